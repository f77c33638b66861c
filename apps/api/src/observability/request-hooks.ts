import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { requestContext } from '../common/logging.js';
import { type ApiMetrics, UNMATCHED_ROUTE } from './api-metrics.js';

/**
 * Per request, in plain Fastify hooks (Nest middleware costs several times more on the hot path): the request id
 * in X-Request-Id and in the async context every log line reads, then one access-log line and one histogram
 * observation labelled with the route pattern, never the raw URL.
 */
export function installRequestHooks(fastify: FastifyInstance, logger: Logger, metrics: ApiMetrics): void {
  // Fixed fields only (method, path without the query, status), so the access log skips redaction.
  const accessLog = logger.child({}, { redact: [] });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    // The address is read when asked (audit events): with TRUST_PROXY it means parsing X-Forwarded-For.
    requestContext.run({ requestId: request.id, clientIp: () => request.ip }, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    metrics.observeRequest(request.method, route, status, ms / 1000);
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (accessLog.isLevelEnabled(level)) {
      const { url } = request;
      const query = url.indexOf('?');
      accessLog[level](
        {
          reqId: request.id,
          req: { id: request.id, method: request.method, url: query < 0 ? url : url.slice(0, query), route },
          res: { statusCode: status },
          responseTime: Math.round(ms * 10) / 10,
        },
        'request completed',
      );
    }
    done();
  });
}
