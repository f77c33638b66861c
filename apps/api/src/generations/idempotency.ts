import { createHash } from 'node:crypto';
import { InvalidRequestError } from '../common/domain-errors.js';
import { DomainError } from '../common/domain-errors.js';

/** Same Idempotency-Key with the same body returns the first generation for this long. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
const KEY = /^[\x21-\x7e]{1,255}$/;

export class IdempotencyConflictError extends DomainError {
  readonly code = 'idempotency_conflict';
  constructor() {
    super('This Idempotency-Key was used with a different request body');
  }
}

export function checkIdempotencyKey(key: string): string {
  if (!KEY.test(key))
    throw new InvalidRequestError('Idempotency-Key must be 1 to 255 visible ASCII characters');
  return key;
}

/** A stable digest of the request: keys sorted at every level, image inputs by their bytes' digest. */
export function requestHash(request: unknown, images: Record<string, Buffer | undefined>): string {
  const hash = createHash('sha256').update(canonical(request));
  for (const [name, bytes] of Object.entries(images).sort(([a], [b]) => a.localeCompare(b))) {
    if (bytes) hash.update(`\n${name}:`).update(createHash('sha256').update(bytes).digest('hex'));
  }
  return hash.digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
