/**
 * Errors that mean a dependency (Redis, PostgreSQL) is unreachable right now, not that the request or our code is
 * wrong: the answer is 503 with Retry-After, so clients retry instead of reporting a bug. Recognised by the
 * clients' own error names and codes (ioredis, the pg driver behind Prisma's adapter, Node's sockets).
 */
const REDIS_MESSAGES = /^(Connection is closed\.|Stream isn't writeable|Command timed out)/;
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** PostgreSQL: connection failures (08*), shutting down or starting up (57P01–57P03). */
const POSTGRES_STATES = /^(08|57P0[123])/;
/** Prisma: database unreachable, timed out, closed the connection; pool exhausted while it reconnects. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Prisma's driver-adapter error kinds for the same (meta.driverAdapterError.cause.kind). */
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

export function isDependencyOutage(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { name, message, code, kind, originalCode, cause, meta } = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    kind?: unknown;
    originalCode?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: unknown };
  };
  if (name === 'MaxRetriesPerRequestError') return true;
  if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true;
  if (kind === 'postgres' && typeof originalCode === 'string' && POSTGRES_STATES.test(originalCode))
    return true;
  if (typeof message === 'string' && REDIS_MESSAGES.test(message)) return true;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || PRISMA_CODES.has(code) || POSTGRES_STATES.test(code)) return true;
  }
  const adapter = meta?.driverAdapterError;
  return isDependencyOutage(adapter, depth + 1) || isDependencyOutage(cause, depth + 1);
}
