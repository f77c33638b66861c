import type { ErrorCode } from '@easel/contracts';

/** Native names that Stability v1 spells differently; v1 routes answer with v1's name (same status, 400). */
const V1_NAMES: Partial<Record<ErrorCode, ErrorCode>> = {
  invalid_request: 'bad_request',
  unsupported_media_type: 'bad_request',
  payload_too_large: 'invalid_file_size',
};

export function isV1Route(url: string): boolean {
  return url.startsWith('/v1/');
}

/** The error name and status a /v1 route answers with for a mapped error. */
export function v1ErrorName(code: ErrorCode, status: number): { code: ErrorCode; status: number } {
  const renamed = V1_NAMES[code];
  return renamed ? { code: renamed, status: 400 } : { code, status };
}
