import type { EngineDescriptor, MaskSource } from '@easel/contracts';
import sharp from 'sharp';
import { checkSize } from './v1-translation.js';
import { StabilityBadRequestError } from './stability-errors.js';

/** What a v1 image part turned out to be, after its header and its pixels were checked. */
export interface CheckedImage {
  bytes: Buffer;
  width: number;
  height: number;
  hasAlpha: boolean;
}

const FORMATS = new Set(['png', 'jpeg', 'webp']);

/** PNG, JPEG and WebP by their magic bytes, not by the client's declared type. */
function sniffFormat(bytes: Buffer): 'png' | 'jpeg' | 'webp' | undefined {
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (
    bytes.length >= 12 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'webp';
  return undefined;
}

/**
 * Checks an uploaded image before anything is charged: a known format (invalid_mime_type), non-empty
 * (invalid_file_size), the declared size within the engine's limits BEFORE decoding (a small file declaring huge
 * dimensions is refused from its header: invalid_pixel_count), then a full decode (corrupt bytes: bad_request).
 */
export async function checkImage(
  field: string,
  bytes: Buffer,
  engine: EngineDescriptor,
): Promise<CheckedImage> {
  if (bytes.length === 0)
    throw new StabilityBadRequestError('invalid_file_size', `${field}: the file is empty`);
  const format = sniffFormat(bytes);
  if (!format) {
    throw new StabilityBadRequestError('invalid_mime_type', `${field}: must be a PNG, JPEG or WebP image`);
  }
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => undefined);
  if (!meta) {
    throw new StabilityBadRequestError(
      'bad_request',
      `${field}: the ${format.toUpperCase()} image cannot be read`,
    );
  }
  if (!FORMATS.has(meta.format) || !meta.width || !meta.height) {
    throw new StabilityBadRequestError('invalid_mime_type', `${field}: must be a PNG, JPEG or WebP image`);
  }
  checkSize(meta.width, meta.height, engine, field);
  try {
    // Decoding every pixel catches truncated or corrupt data now, not as a failed (refunded) job later.
    await sharp(bytes, { limitInputPixels: engine.maxPixels, failOn: 'error' }).raw().toBuffer();
  } catch {
    throw new StabilityBadRequestError(
      'bad_request',
      `${field}: the ${format.toUpperCase()} image data is corrupt`,
    );
  }
  return { bytes, width: meta.width, height: meta.height, hasAlpha: meta.hasAlpha };
}

/** v1 masking rules: a mask image for MASK_IMAGE_*, of the init image's size; an alpha channel for INIT_IMAGE_ALPHA. */
export async function checkMask(
  source: MaskSource,
  init: CheckedImage,
  maskBytes: Buffer | undefined,
  engine: EngineDescriptor,
): Promise<Buffer | undefined> {
  if (source === 'INIT_IMAGE_ALPHA') {
    if (!init.hasAlpha) {
      throw new StabilityBadRequestError(
        'invalid_mask_image',
        'mask_source INIT_IMAGE_ALPHA needs an init_image with an alpha channel',
      );
    }
    return undefined;
  }
  if (!maskBytes) {
    throw new StabilityBadRequestError('invalid_mask_image', `mask_source ${source} needs a mask_image`);
  }
  const mask = await checkImage('mask_image', maskBytes, engine);
  if (mask.width !== init.width || mask.height !== init.height) {
    throw new StabilityBadRequestError(
      'invalid_image_dimensions',
      `mask_image is ${mask.width}x${mask.height} but init_image is ${init.width}x${init.height}`,
    );
  }
  return mask.bytes;
}
