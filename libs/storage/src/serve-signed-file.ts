import type { ObjectStore } from './object-store.js';
import { verifyObjectUrl, type SignedUrlQuery } from './signed-url.js';

export type ServeSignedFileResult =
  | { ok: true; status: 200; bytes: Buffer; contentType: string; cacheControl: string }
  | {
      ok: false;
      status: 400 | 403 | 404;
      code: 'invalid_key' | 'malformed_url' | 'url_expired' | 'invalid_signature' | 'not_found';
      message: string;
    };

export interface ServeSignedFileInput {
  store: ObjectStore;
  secret: string;
  /** URL-decoded path after `/files/`. */
  key: string;
  query: SignedUrlQuery;
  nowMs?: number;
}

/**
 * Everything the API's `GET /files/*` route needs: verify the signed URL, then read the object.
 * The result maps one-to-one onto an HTTP response (status, body or error code + message).
 */
export async function serveSignedFile({
  store,
  secret,
  key,
  query,
  nowMs = Date.now(),
}: ServeSignedFileInput): Promise<ServeSignedFileResult> {
  const verdict = verifyObjectUrl(key, query, secret, nowMs);
  if (!verdict.ok) {
    switch (verdict.reason) {
      case 'invalid_key':
        return {
          ok: false,
          status: 400,
          code: 'invalid_key',
          message: 'The file path is not a valid object key.',
        };
      case 'malformed':
        return {
          ok: false,
          status: 400,
          code: 'malformed_url',
          message: 'The file URL needs one "expires" (unix seconds) and one "sig" query parameter.',
        };
      case 'bad_signature':
        return {
          ok: false,
          status: 403,
          code: 'invalid_signature',
          message: 'The file URL signature is not valid.',
        };
      case 'expired':
        return {
          ok: false,
          status: 403,
          code: 'url_expired',
          message: 'The file URL has expired; request a new one.',
        };
    }
  }
  const object = await store.get(key);
  if (object === null)
    return { ok: false, status: 404, code: 'not_found', message: 'The file does not exist.' };
  const maxAge = Math.max(0, verdict.expiresAtUnix - Math.floor(nowMs / 1000));
  return {
    ok: true,
    status: 200,
    bytes: object.bytes,
    contentType: object.contentType,
    cacheControl: `private, max-age=${maxAge}`,
  };
}
