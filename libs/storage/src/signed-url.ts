import { createHmac, timingSafeEqual } from 'node:crypto';

import { ObjectStoreConfigError } from './errors.js';
import { assertValidKey, isValidKey } from './object-key.js';

/** Secrets shorter than this are refused: the HMAC is only as strong as its key. */
export const MIN_SIGNING_SECRET_LENGTH = 32;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/; // base64url of 32 bytes, unpadded
const EXPIRES = /^[0-9]{1,12}$/;

export function assertSigningSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < MIN_SIGNING_SECRET_LENGTH) {
    throw new ObjectStoreConfigError(
      `The object URL signing secret must be at least ${MIN_SIGNING_SECRET_LENGTH} characters`,
    );
  }
}

/** HMAC-SHA256 over a versioned "key + expiry" string, so a signature is bound to one key and one expiry. */
export function objectUrlSignature(key: string, expiresAtUnix: number, secret: string): string {
  return createHmac('sha256', secret)
    .update(`easel-object-url:v1\n${key}\n${expiresAtUnix}`)
    .digest('base64url');
}

export interface SignObjectUrlInput {
  key: string;
  /** Unix seconds after which the URL stops working. */
  expiresAtUnix: number;
  secret: string;
  /** e.g. `https://api.example.com`; without it the URL is root-relative (`/files/...`). */
  baseUrl?: string;
}

/** `<baseUrl>/files/<key>?expires=<unix>&sig=<hmac-sha256 base64url>` */
export function signObjectUrl({ key, expiresAtUnix, secret, baseUrl = '' }: SignObjectUrlInput): string {
  assertValidKey(key);
  assertSigningSecret(secret);
  if (!Number.isSafeInteger(expiresAtUnix) || expiresAtUnix < 0) {
    throw new RangeError(`expiresAtUnix must be a non-negative integer, got ${expiresAtUnix}`);
  }
  const path = key.split('/').map(encodeURIComponent).join('/');
  const sig = objectUrlSignature(key, expiresAtUnix, secret);
  return `${baseUrl.replace(/\/+$/, '')}/files/${path}?expires=${expiresAtUnix}&sig=${sig}`;
}

export type VerifyObjectUrlResult =
  | { ok: true; expiresAtUnix: number }
  | { ok: false; reason: 'invalid_key' | 'malformed' | 'expired' | 'bad_signature' };

/** Query values as web frameworks parse them: repeated or nested parameters are rejected as malformed. */
export type SignedUrlQuery = Readonly<Record<string, unknown>>;

/**
 * Checks a request for `/files/<key>` against its `expires` and `sig` query parameters.
 * `key` is the URL-decoded path after `/files/`. The signature is compared in constant time.
 */
export function verifyObjectUrl(
  key: string,
  query: SignedUrlQuery,
  secret: string,
  nowMs: number = Date.now(),
): VerifyObjectUrlResult {
  assertSigningSecret(secret);
  if (!isValidKey(key)) return { ok: false, reason: 'invalid_key' };
  const { expires, sig } = query;
  if (
    typeof expires !== 'string' ||
    typeof sig !== 'string' ||
    !EXPIRES.test(expires) ||
    !SIGNATURE.test(sig)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const expiresAtUnix = Number(expires);
  const expected = Buffer.from(objectUrlSignature(key, expiresAtUnix, secret), 'ascii');
  // Signature before expiry: an attacker learns nothing about expiry handling from forged URLs.
  if (!timingSafeEqual(expected, Buffer.from(sig, 'ascii'))) return { ok: false, reason: 'bad_signature' };
  if (nowMs > expiresAtUnix * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAtUnix };
}
