import type { ErrorBody, Generation } from './types.js';

/** Base of every error the SDK throws (except an abort, which rethrows the signal's reason). */
export class EaselError extends Error {
  override name = 'EaselError';
}

export interface ApiErrorInit {
  status: number;
  /** The API's stable machine code (`name` in the error body), e.g. `insufficient_credits`. */
  code: string;
  message: string;
  requestId: string | null;
  /** Seconds the API asked to wait (Retry-After), when it sent one. */
  retryAfter: number | null;
}

/** An error answer from the API: branch on `code` (stable) or on the subclass. */
export class ApiError extends EaselError {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  readonly retryAfter: number | null;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
  }
}

export class InvalidRequestError extends ApiError {
  override name = 'InvalidRequestError';
}
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}
export class InsufficientCreditsError extends ApiError {
  override name = 'InsufficientCreditsError';
}
export class PermissionDeniedError extends ApiError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}
export class ConflictError extends ApiError {
  override name = 'ConflictError';
}
export class RateLimitedError extends ApiError {
  override name = 'RateLimitedError';
}
export class ServerError extends ApiError {
  override name = 'ServerError';
}

/** The API could not be reached, or the connection dropped before an answer. */
export class ConnectionError extends EaselError {
  override name = 'ConnectionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No answer within `timeoutMs`. */
export class TimeoutError extends EaselError {
  override name = 'TimeoutError';
}

/** `generate` / `wait`: the generation finished without images (failed, or canceled by someone). */
export class GenerationError extends EaselError {
  override name = 'GenerationError';
  /** `failed` or `canceled`. */
  readonly status: Generation['status'];
  /** The worker's error code when it failed (e.g. `invalid_request`), or `canceled`. */
  readonly code: string;
  readonly generation: Generation;

  constructor(generation: Generation) {
    const code = generation.error?.name ?? generation.status;
    const message = generation.error?.message ?? `generation ${generation.id} was ${generation.status}`;
    super(message);
    this.status = generation.status;
    this.code = code;
    this.generation = generation;
  }
}

/** Typed error for an API error answer; the subclass follows the status, `code` is the body's `name`. */
export function apiErrorFrom(
  status: number,
  body: Partial<ErrorBody> | undefined,
  headers: Headers,
  fallbackMessage: string,
): ApiError {
  const init: ApiErrorInit = {
    status,
    code: typeof body?.name === 'string' ? body.name : codeForStatus(status),
    message: typeof body?.message === 'string' && body.message ? body.message : fallbackMessage,
    requestId: headers.get('x-request-id') ?? (typeof body?.id === 'string' ? body.id : null),
    retryAfter: parseRetryAfter(headers.get('retry-after')),
  };
  if (status === 400 || status === 413 || status === 415 || status === 422)
    return new InvalidRequestError(init);
  if (status === 401) return new AuthenticationError(init);
  if (status === 402) return new InsufficientCreditsError(init);
  if (status === 403) return new PermissionDeniedError(init);
  if (status === 404) return new NotFoundError(init);
  if (status === 409) return new ConflictError(init);
  if (status === 429) return new RateLimitedError(init);
  if (status >= 500) return new ServerError(init);
  return new ApiError(init);
}

function codeForStatus(status: number): string {
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'service_unavailable';
  if (status >= 500) return 'server_error';
  if (status === 404) return 'not_found';
  if (status === 401) return 'unauthorized';
  return 'http_error';
}

/** Retry-After as seconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - now) / 1000);
}
