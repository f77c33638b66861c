import { ERROR_STATUS, type ErrorCode } from '@easel/contracts';
import { HttpException } from '@nestjs/common';
import {
  InsufficientCreditsError,
  LedgerAccountNotFoundError,
  LedgerArgumentError,
} from '../ledger/ledger.errors.js';
import { isDependencyOutage } from './dependency-errors.js';
import { DomainError, RateLimitedError } from './domain-errors.js';

export interface MappedError {
  status: number;
  code: ErrorCode;
  message: string;
  headers?: Record<string, string>;
  /** Unexpected failures are logged with their stack; expected ones are not. */
  unexpected: boolean;
}

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  402: 'insufficient_credits',
  403: 'permission_denied',
  404: 'not_found',
  409: 'email_taken',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** Messages of our own for framework errors (Fastify's body parser, Nest's router) a client can trigger. */
const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type; send application/json',
  FST_ERR_CTP_EMPTY_JSON_BODY: "Body cannot be empty when Content-Type is 'application/json'",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
  FST_ERR_BAD_URL: 'The URL is not valid (check its percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment is too long',
};

/** The one place where an error becomes an HTTP answer. */
export function mapError(error: unknown): MappedError {
  if (error instanceof RateLimitedError) {
    return {
      status: 429,
      code: error.code,
      message: error.message,
      headers: { 'retry-after': String(error.retryAfterSeconds) },
      unexpected: false,
    };
  }
  if (error instanceof DomainError) {
    return { status: ERROR_STATUS[error.code], code: error.code, message: error.message, unexpected: false };
  }
  if (error instanceof InsufficientCreditsError) {
    return { status: 402, code: 'insufficient_credits', message: error.message, unexpected: false };
  }
  if (error instanceof LedgerArgumentError) {
    return { status: 400, code: 'invalid_request', message: error.message, unexpected: false };
  }
  if (error instanceof LedgerAccountNotFoundError) {
    return { status: 404, code: 'not_found', message: 'No credit account for this user', unexpected: false };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = CODE_BY_STATUS[status];
    if (code) return { status, code, message: httpExceptionMessage(error), unexpected: false };
  }
  const framework = frameworkClientError(error);
  if (framework) return framework;
  if (isDependencyOutage(error)) {
    return {
      status: 503,
      code: 'service_unavailable',
      message: 'A service Easel depends on is unreachable right now. Try again shortly.',
      headers: { 'retry-after': '2' },
      // Logged with its stack: an outage is worth an operator's look, though the client is told to retry.
      unexpected: true,
    };
  }
  return { status: 500, code: 'server_error', message: 'Internal server error', unexpected: true };
}

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'object' && response !== null && 'message' in response) {
    const { message } = response;
    if (typeof message === 'string') return message;
  }
  return error.message;
}

/** Fastify reports client mistakes (bad JSON, body too large, …) as errors with a 4xx statusCode. */
function frameworkClientError(error: unknown): MappedError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode > 499) return undefined;
  const mapped = CODE_BY_STATUS[statusCode] ?? 'invalid_request';
  const status = mapped === 'invalid_request' ? 400 : statusCode;
  const known = typeof code === 'string' ? FRAMEWORK_MESSAGES[code] : undefined;
  const message =
    known ?? (error instanceof SyntaxError ? 'Malformed JSON in request body' : 'Invalid request');
  return { status, code: mapped, message, unexpected: false };
}
