import sharp from 'sharp';
import type { RgbaImage } from './decode.js';
import type { PixelMask } from './mask.js';

export interface Margins {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** How the new area is pre-filled before inpainting: edge pixels repeated, or the same blurred. */
export type OutpaintFill = 'edge' | 'blur';

/**
 * Extends the canvas by the margins and pre-fills the new area so the sampler starts from plausible colours.
 * Returns the larger opaque image and its mask (1 = the new area to paint, 0 = the original pixels).
 */
export async function extendCanvas(
  image: RgbaImage,
  margins: Margins,
  fill: OutpaintFill = 'blur',
): Promise<{ image: RgbaImage; mask: PixelMask }> {
  const width = image.width + margins.left + margins.right;
  const height = image.height + margins.top + margins.bottom;
  const raw = { width: image.width, height: image.height, channels: 4 as const };
  let extended = sharp(image.data, { raw })
    .extend({ ...margins, extendWith: 'copy' })
    .removeAlpha()
    .ensureAlpha(1);
  if (fill === 'blur') {
    const sigma = Math.max(1, Math.max(margins.left, margins.top, margins.right, margins.bottom) / 4);
    const blurred = await extended.blur(sigma).raw().toBuffer();
    extended = sharp(blurred, { raw: { width, height, channels: 4 } }).composite([
      { input: Buffer.from(image.data), raw, left: margins.left, top: margins.top },
    ]);
  }
  const data = await extended.removeAlpha().ensureAlpha(1).raw().toBuffer();
  const mask = new Float32Array(width * height).fill(1);
  for (let y = 0; y < image.height; y++) {
    mask.fill(
      0,
      (y + margins.top) * width + margins.left,
      (y + margins.top) * width + margins.left + image.width,
    );
  }
  return {
    image: { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) },
    mask: { width, height, data: mask },
  };
}
