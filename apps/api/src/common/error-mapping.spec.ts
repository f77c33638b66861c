import { BadRequestException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { InsufficientCreditsError, LedgerReferenceConflictError } from '../ledger/ledger.errors.js';
import { EmailTakenError, NotFoundError, RateLimitedError, UnauthorizedError } from './domain-errors.js';
import { mapError } from './error-mapping.js';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { PrismaService } from '../database/prisma.service.js';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('mapError', () => {
  it('maps typed domain errors to their code and status', () => {
    expect(mapError(new UnauthorizedError('no'))).toMatchObject({
      status: 401,
      code: 'unauthorized',
      message: 'no',
    });
    expect(mapError(new NotFoundError('gone'))).toMatchObject({ status: 404, code: 'not_found' });
    expect(mapError(new EmailTakenError())).toMatchObject({ status: 409, code: 'email_taken' });
    expect(mapError(new InsufficientCreditsError('u', 3, 1))).toMatchObject({
      status: 402,
      code: 'insufficient_credits',
    });
  });

  it('adds Retry-After to rate limiting', () => {
    expect(mapError(new RateLimitedError(17))).toMatchObject({
      status: 429,
      code: 'rate_limited',
      headers: { 'retry-after': '17' },
    });
  });

  it('answers 503 with Retry-After when Redis or PostgreSQL cannot be reached (real client errors)', async () => {
    const port = await closedPort();
    const retrying = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, lazyConnect: true });
    const closed = new Redis(port, '127.0.0.1', { retryStrategy: () => null, lazyConnect: true });
    const url = `postgresql://postgres@127.0.0.1:${port}/easel`;
    const database = new pg.Client({ connectionString: url });
    const prisma = new PrismaService({ url, poolSize: 1 });
    for (const client of [retrying, closed]) client.on('error', () => undefined);
    const errors = await Promise.all([
      retrying.get('k').catch((e: unknown) => e),
      closed.get('k').catch((e: unknown) => e),
      database.connect().catch((e: unknown) => e),
      prisma.$queryRaw`SELECT 1`.catch((e: unknown) => e),
    ]);
    await prisma.$disconnect();
    retrying.disconnect();
    closed.disconnect();
    for (const error of errors) {
      expect(mapError(error)).toMatchObject({
        status: 503,
        code: 'service_unavailable',
        headers: { 'retry-after': '2' },
      });
    }
  });

  it('never shows the internals of an unexpected failure', () => {
    const mapped = mapError(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2'));
    expect(mapped).toEqual({
      status: 500,
      code: 'server_error',
      message: 'Internal server error',
      unexpected: true,
    });
    expect(mapError(new LedgerReferenceConflictError('generation:1:debit')).message).toBe(
      'Internal server error',
    );
    expect(mapError('a thrown string').status).toBe(500);
  });

  it("maps Fastify's client errors and Nest's HTTP exceptions", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(mapError(tooLarge)).toMatchObject({ status: 413, code: 'payload_too_large' });
    const badJson = Object.assign(new SyntaxError('Unexpected token } in JSON at position 7'), {
      statusCode: 400,
    });
    expect(mapError(badJson)).toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: 'Malformed JSON in request body',
    });
    expect(mapError(new NotFoundException('Cannot GET /x'))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(mapError(new BadRequestException('bad'))).toMatchObject({ status: 400, code: 'invalid_request' });
    // A 5xx from the framework is still ours to hide.
    expect(mapError(Object.assign(new Error('boom'), { statusCode: 502 })).code).toBe('server_error');
  });
});
