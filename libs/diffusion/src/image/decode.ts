import sharp from 'sharp';
import { InvalidImageError } from '../pipeline/errors.js';

/** 8-bit RGBA pixels, row-major HWC. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface DecodeOptions {
  /** Decompression-bomb guard: images with more pixels are refused before decoding. Default 64 Mpx. */
  maxInputPixels?: number;
}

export const DEFAULT_MAX_INPUT_PIXELS = 64 * 1024 * 1024;

/** Width and height of an encoded image (EXIF orientation applied), or InvalidImageError. */
export async function probeImage(
  bytes: Uint8Array,
  field: string,
  options: DecodeOptions = {},
): Promise<{ width: number; height: number; hasAlpha: boolean }> {
  try {
    const meta = await sharp(bytes, {
      limitInputPixels: options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS,
    }).metadata();
    const { width, height } = meta.autoOrient ?? meta;
    const pixelLimit = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
    if (width * height > pixelLimit)
      throw new Error(`image has ${width * height} pixels, the limit is ${pixelLimit}`);
    return { width, height, hasAlpha: meta.hasAlpha };
  } catch (err) {
    throw asImageError(err, field);
  }
}

/**
 * Decodes any format sharp reads into RGBA at exactly width×height. The fitting rule is "cover + centre crop":
 * scale (Lanczos) so the image covers the target, then cut the overflow equally from both sides, so the
 * aspect ratio is kept and nothing is stretched. Images without alpha get alpha 255.
 */
export async function decodeFitted(
  bytes: Uint8Array,
  field: string,
  width: number,
  height: number,
  options: DecodeOptions = {},
): Promise<RgbaImage> {
  try {
    const { data, info } = await sharp(bytes, {
      limitInputPixels: options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS,
    })
      .autoOrient()
      .resize(width, height, { fit: 'cover', position: 'centre' })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.width !== width || info.height !== height || info.channels !== 4) {
      throw new Error(
        `decoded to ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x4`,
      );
    }
    return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    throw asImageError(err, field);
  }
}

function asImageError(err: unknown, field: string): InvalidImageError {
  if (err instanceof InvalidImageError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new InvalidImageError(field, `cannot read the image (${reason})`, { cause: err });
}

/** RGBA → Float32 [1,3,H,W] in [-1,1] (x/127.5 − 1), as diffusers' VaeImageProcessor normalises. */
export function rgbaToTensor(
  image: RgbaImage,
  out = new Float32Array(3 * image.width * image.height),
): Float32Array {
  const plane = image.width * image.height;
  for (let i = 0; i < plane; i++) {
    out[i] = image.data[i * 4] / 127.5 - 1;
    out[plane + i] = image.data[i * 4 + 1] / 127.5 - 1;
    out[2 * plane + i] = image.data[i * 4 + 2] / 127.5 - 1;
  }
  return out;
}
