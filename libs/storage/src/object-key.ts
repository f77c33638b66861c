import { InvalidKeyError } from './errors.js';

/**
 * Keys are '/'-separated segments of [A-Za-z0-9._-]. The set is the intersection of what
 * S3, R2, MinIO and every common filesystem treat literally, so a key means the same file
 * in both drivers and never needs escaping in a URL path.
 */
const SEGMENT = /^[A-Za-z0-9._-]+$/;
export const MAX_KEY_LENGTH = 1024;
// Filesystem names are capped at 255 bytes; the fs driver adds '.json' for the metadata file.
const MAX_SEGMENT_LENGTH = 240;

function checkSegments(input: string, segments: readonly string[]): void {
  for (const segment of segments) {
    if (segment === '')
      throw new InvalidKeyError(input, 'empty path segment (leading, trailing or double "/")');
    if (segment === '.' || segment === '..')
      throw new InvalidKeyError(input, '"." and ".." segments are not allowed');
    if (segment.length > MAX_SEGMENT_LENGTH) {
      throw new InvalidKeyError(input, `a path segment is longer than ${MAX_SEGMENT_LENGTH} characters`);
    }
    if (!SEGMENT.test(segment)) {
      throw new InvalidKeyError(input, 'only letters, digits, ".", "_", "-" and "/" separators are allowed');
    }
  }
}

function checkCommon(input: unknown): asserts input is string {
  if (typeof input !== 'string') throw new InvalidKeyError(String(input), 'not a string');
  if (input.length > MAX_KEY_LENGTH)
    throw new InvalidKeyError(input, `longer than ${MAX_KEY_LENGTH} characters`);
  if (input.startsWith('/')) throw new InvalidKeyError(input, 'must not start with "/"');
}

/** Throws InvalidKeyError unless `key` is a safe object key such as `generations/<id>/0.png`. */
export function assertValidKey(key: unknown): asserts key is string {
  checkCommon(key);
  if (key === '') throw new InvalidKeyError(key, 'empty');
  checkSegments(key, key.split('/'));
}

/**
 * A listing prefix: a key, a key with a trailing '/', or a partial key; '' means everything.
 * Only the characters and segment rules of keys apply, so a prefix can never escape the store.
 */
export function assertValidPrefix(prefix: unknown): asserts prefix is string {
  checkCommon(prefix);
  if (prefix === '') return;
  const segments = prefix.split('/');
  if (prefix.endsWith('/')) segments.pop();
  checkSegments(prefix, segments);
}

export function isValidKey(key: unknown): key is string {
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}
