import sharp from 'sharp';
import { insertPngText } from './png-text.js';

/**
 * One image of a [B,3,H,W] tensor in [-1,1] → 8-bit RGB HWC, as diffusers' postprocess does:
 * (x/2 + 0.5) clamped to [0,1], ×255, rounded. sharp must get Uint8 (it reads a Float32Array as 16-bit).
 */
export function tensorToRgb8(
  tensor: Float32Array,
  index: number,
  width: number,
  height: number,
  out = new Uint8Array(width * height * 3),
): Uint8Array {
  const plane = width * height;
  const base = index * 3 * plane;
  for (let c = 0; c < 3; c++) {
    const src = base + c * plane;
    for (let i = 0; i < plane; i++) {
      const v = tensor[src + i] * 0.5 + 0.5;
      out[i * 3 + c] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
    }
  }
  return out;
}

/** RGB8 HWC → PNG bytes, with A1111's `parameters` text chunk when given. */
export async function encodePng(
  rgb: Uint8Array,
  width: number,
  height: number,
  parameters?: string,
): Promise<Uint8Array> {
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  const bytes = new Uint8Array(png.buffer, png.byteOffset, png.length);
  return parameters === undefined ? bytes : insertPngText(bytes, 'parameters', parameters);
}

/** Frames of RGB8 HWC → one looping animated WebP (sharp builds it from a vertical strip with pageHeight). */
export async function encodeAnimatedWebp(
  frames: readonly Uint8Array[],
  width: number,
  height: number,
  delayMs = 100,
): Promise<Uint8Array> {
  const strip = Buffer.concat(frames);
  const webp = await sharp(strip, {
    raw: { width, height: height * frames.length, channels: 3, pageHeight: height },
  })
    .webp({ loop: 0, delay: frames.map(() => delayMs), quality: 90 })
    .toBuffer();
  return new Uint8Array(webp.buffer, webp.byteOffset, webp.length);
}
