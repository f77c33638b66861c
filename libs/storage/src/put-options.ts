import { InvalidObjectOptionsError } from './errors.js';
import type { ObjectMetadata, PutObjectOptions } from './object-store.js';

// type/subtype with optional parameters, as an HTTP Content-Type header value.
const CONTENT_TYPE =
  /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[^"\r\n]*"|[^;\s"]+))*$/;
const METADATA_KEY = /^[a-z0-9][a-z0-9-]*$/;
const METADATA_VALUE = /^[\x20-\x7e]*$/;
const MAX_METADATA_BYTES = 2048;

/**
 * Checks what both drivers can store and return unchanged: S3 sends metadata as HTTP headers,
 * lower-cases the names and limits the total to 2 KiB, so the fs driver is held to the same.
 */
export function validatePutOptions(options: PutObjectOptions): {
  contentType: string;
  metadata: ObjectMetadata;
} {
  const { contentType } = options;
  if (typeof contentType !== 'string' || contentType.length > 255 || !CONTENT_TYPE.test(contentType)) {
    throw new InvalidObjectOptionsError(`Invalid content type ${JSON.stringify(contentType)}`);
  }
  const metadata = options.metadata ?? {};
  let total = 0;
  for (const [name, value] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(name)) {
      throw new InvalidObjectOptionsError(
        `Metadata name ${JSON.stringify(name)} must match [a-z0-9][a-z0-9-]*`,
      );
    }
    if (typeof value !== 'string' || !METADATA_VALUE.test(value)) {
      throw new InvalidObjectOptionsError(`Metadata ${name} must be printable ASCII`);
    }
    total += name.length + value.length;
  }
  if (total > MAX_METADATA_BYTES) {
    throw new InvalidObjectOptionsError(
      `Metadata is ${total} bytes; at most ${MAX_METADATA_BYTES} are allowed`,
    );
  }
  return { contentType, metadata: { ...metadata } };
}

export function assertExpiry(expiresInSeconds: number, max: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > max) {
    throw new RangeError(`expiresInSeconds must be an integer from 1 to ${max}, got ${expiresInSeconds}`);
  }
}
