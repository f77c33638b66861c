import sharp from 'sharp';
import { InvalidImageError } from '../pipeline/errors.js';
import { DEFAULT_MAX_INPUT_PIXELS, probeImage, type DecodeOptions, type RgbaImage } from './decode.js';

/** Stability's mask_source: which pixels are repainted. */
export type MaskSource = 'MASK_IMAGE_WHITE' | 'MASK_IMAGE_BLACK' | 'INIT_IMAGE_ALPHA';

/** A soft mask in [0,1] at pixel size, 1 = repaint, row-major [H,W]. */
export interface PixelMask {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * Builds the repaint mask. MASK_IMAGE_WHITE: white repaints, black keeps, grey in between (linear);
 * MASK_IMAGE_BLACK: the reverse; INIT_IMAGE_ALPHA: transparent pixels of the (already fitted) init image repaint.
 * A mask image must have the init image's size and is fitted to the target like it (cover + centre crop).
 */
export async function loadMask(
  source: MaskSource,
  init: { image: RgbaImage; sourceWidth: number; sourceHeight: number },
  maskBytes: Uint8Array | undefined,
  options: DecodeOptions = {},
): Promise<PixelMask> {
  const { width, height } = init.image;
  const data = new Float32Array(width * height);
  if (source === 'INIT_IMAGE_ALPHA') {
    for (let i = 0; i < data.length; i++) data[i] = 1 - init.image.data[i * 4 + 3] / 255;
    return { width, height, data };
  }
  if (!maskBytes) throw new InvalidImageError('mask_image', `mask_source ${source} needs a mask image`);
  const size = await probeImage(maskBytes, 'mask_image', options);
  if (size.width !== init.sourceWidth || size.height !== init.sourceHeight) {
    throw new InvalidImageError(
      'mask_image',
      `the mask is ${size.width}x${size.height} but the init image is ${init.sourceWidth}x${init.sourceHeight}; they must match`,
    );
  }
  let grey: Buffer;
  try {
    grey = await sharp(maskBytes, { limitInputPixels: options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS })
      .autoOrient()
      .flatten({ background: '#000000' })
      .resize(width, height, { fit: 'cover', position: 'centre' })
      .greyscale()
      .extractChannel(0)
      .raw()
      .toBuffer();
  } catch (err) {
    throw new InvalidImageError('mask_image', `cannot read the mask (${(err as Error).message})`, {
      cause: err,
    });
  }
  const white = source === 'MASK_IMAGE_WHITE';
  for (let i = 0; i < data.length; i++) data[i] = white ? grey[i] / 255 : 1 - grey[i] / 255;
  return { width, height, data };
}

/**
 * The mask on the latent grid [h,w], 1 = repaint: thresholded at 0.5 like diffusers' mask processor (for every
 * UNet), then sampled nearest-neighbour (torch's interpolate default, as diffusers does).
 */
export function maskToLatent(mask: PixelMask, latentWidth: number, latentHeight: number): Float32Array {
  const out = new Float32Array(latentWidth * latentHeight);
  for (let y = 0; y < latentHeight; y++) {
    const sy = Math.floor((y * mask.height) / latentHeight);
    for (let x = 0; x < latentWidth; x++) {
      const v = mask.data[sy * mask.width + Math.floor((x * mask.width) / latentWidth)];
      out[y * latentWidth + x] = v >= 0.5 ? 1 : 0;
    }
  }
  return out;
}
