import type { ErrorCode } from '@easel/contracts';

/** A failure with a stable code; the global filter turns it into `{id, name, message}` and its status. */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
}

export class InvalidRequestError extends DomainError {
  readonly code = 'invalid_request';
}

export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
}

export class PermissionDeniedError extends DomainError {
  readonly code = 'permission_denied';
}

export class CsrfFailedError extends DomainError {
  readonly code = 'csrf_failed';
  constructor() {
    super('This request needs the X-CSRF-Token of your session; reload the page and try again');
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
}

export class EmailTakenError extends DomainError {
  readonly code = 'email_taken';
  constructor() {
    super('An account with this email already exists');
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
}

export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; retry in ${retryAfterSeconds} s`);
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly code = 'service_unavailable';
}
