import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { requestContext } from '../common/logging.js';
import { WEB_FALLBACK_ROUTE } from '../web/web-app.js';
import { type ApiMetrics, UNMATCHED_ROUTE } from './api-metrics.js';

/**
 * Per request, in plain Fastify hooks (Nest middleware costs several times more on the hot path): the request id
 * in X-Request-Id and in the async context every log line reads, then one access-log line and one histogram
 * observation labelled with the route pattern, never the raw URL.
 */
export function installRequestHooks(fastify: FastifyInstance, logger: Logger, metrics: ApiMetrics): void {
  const accessLog = accessLogWriter(logger);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    // The address is read when asked (audit events): with TRUST_PROXY it means parsing X-Forwarded-For.
    requestContext.run({ requestId: request.id, clientIp: () => request.ip }, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    // The dashboard's catch-all answers unknown paths with 404: those stay 'unmatched', as before it existed.
    const pattern = request.routeOptions.url;
    const route =
      pattern === undefined || (pattern === WEB_FALLBACK_ROUTE && status === 404) ? UNMATCHED_ROUTE : pattern;
    const ms = reply.elapsedTime;
    metrics.observeRequest(request.method, route, status, ms / 1000);
    accessLog(request.id, request.method, request.originalUrl, route, status, ms);
    done();
  });
}

const LEVELS = { info: 30, warn: 40, error: 50 } as const;

/**
 * One access-log line per request, the JSON pino would write (same level numbers, time, bindings, fields), built
 * as one string and written to the logger's stream directly: through pino's generic serializer it was the largest
 * single cost of the hot path. The fields are fixed and hold no secrets (the path without its query), so nothing
 * needs redacting. A pino-pretty transport reads these lines like any other.
 */
function accessLogWriter(
  logger: Logger,
): (id: string, method: string, url: string, route: string, status: number, ms: number) => void {
  const stream = (logger as unknown as Record<symbol, { write(line: string): unknown }>)[
    pino.symbols.streamSym
  ];
  const bindings = JSON.stringify(logger.bindings()).slice(1, -1);
  return (id, method, url, route, status, ms) => {
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const reqId = JSON.stringify(id);
    stream.write(
      `{"level":${LEVELS[level]},"time":${Date.now()},${bindings},"reqId":${reqId},"req":{"id":${reqId},` +
        `"method":${JSON.stringify(method)},"url":${JSON.stringify(path)},"route":${JSON.stringify(route)}},` +
        `"res":{"statusCode":${status}},"responseTime":${Math.round(ms * 10) / 10},"msg":"request completed"}\n`,
    );
  };
}
