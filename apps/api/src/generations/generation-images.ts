import sharp from 'sharp';
import { GenerationInputError } from './generation-request.js';

/** Decompression-bomb guard: inputs declaring more pixels are refused from their header, before any decoding. */
export const MAX_INPUT_PIXELS = 4096 * 4096;

export interface ProbedImage {
  bytes: Buffer;
  width: number;
  height: number;
  hasAlpha: boolean;
  format: 'png' | 'jpeg' | 'webp';
  contentType: string;
}

const FORMATS = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

/** Reads an input image's header (format, size) without decoding its pixels; refuses what the worker cannot use. */
export async function probeImage(bytes: Buffer, field: string): Promise<ProbedImage> {
  if (bytes.byteLength === 0) throw new GenerationInputError(field, 'is empty');
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/pixel limit/i.test(message))
      throw new GenerationInputError(field, `declares more than ${MAX_INPUT_PIXELS} pixels`);
    throw new GenerationInputError(field, 'is not a readable PNG, JPEG or WebP image');
  }
  const format = meta.format;
  if (format !== 'png' && format !== 'jpeg' && format !== 'webp')
    throw new GenerationInputError(field, `format ${format} is not supported; send PNG, JPEG or WebP`);
  const { width, height } = meta.autoOrient ?? meta;
  if (!width || !height) throw new GenerationInputError(field, 'has no dimensions');
  if (width * height > MAX_INPUT_PIXELS)
    throw new GenerationInputError(
      field,
      `declares ${width}x${height}, more than ${MAX_INPUT_PIXELS} pixels`,
    );
  // Header checks pass for truncated files; a full decode of a size-capped image is cheap and proves the bytes.
  try {
    await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .resize(16, 16, { fit: 'fill' })
      .raw()
      .toBuffer();
  } catch {
    throw new GenerationInputError(field, 'is corrupt: the image data cannot be decoded');
  }
  return { bytes, width, height, hasAlpha: meta.hasAlpha, format, contentType: FORMATS[format] };
}
