import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from '@easel/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isV1Route, v1ErrorName } from '../stability/v1-error-names.js';
import { mapError } from './error-mapping.js';

/**
 * Fastify's router refuses some URLs before any route runs (bad percent-encoding, a path parameter over
 * maxParamLength); without this they would answer in Fastify's own shape instead of `{id, name, message}`.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const native = mapError(error);
  const mapped = isV1Route(request.url) ? { ...native, ...v1ErrorName(native.code, native.status) } : native;
  if (mapped.unexpected) request.log.error({ err: error }, 'unhandled error');
  const body: ErrorBody = { id: String(request.id), name: mapped.code, message: mapped.message };
  void reply.status(mapped.status).header('content-type', 'application/json; charset=utf-8').send(body);
}

/**
 * Requests Node's HTTP parser cannot read (a lying Content-Length, oversized headers) never reach Fastify's
 * routing: answer them on the socket in the same error shape, with a fresh request id, and close it.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, name, message]: [number, ErrorBody['name'], string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'payload_too_large', 'The request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'invalid_request', 'The request did not arrive in time']
        : [400, 'invalid_request', 'Malformed HTTP request (check Content-Length and Transfer-Encoding)'];
  const id = randomUUID();
  const body = JSON.stringify({ id, name, message } satisfies ErrorBody);
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  // End our side but keep reading (and dropping) what the client still sends: closing with unread bytes would
  // reset the connection and the client would lose this answer. A client that never stops is cut off.
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.resume();
  setTimeout(() => socket.destroy(), 2000).unref();
}
