import type { FastifyInstance } from 'fastify';

/**
 * Path prefixes of routes authenticated by the dashboard's session cookie. They answer no CORS headers, so only
 * the dashboard's own origin can call them (the browser refuses other origins' reads and preflights).
 * Cookie-session routes must live under one of these.
 */
export const SAME_ORIGIN_PREFIXES = ['/api/session', '/api/dashboard'];

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const EXPOSED_HEADERS =
  'x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, seed, finish-reason, location';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * The CORS policy. API routes authenticate with a bearer token (API key or access token) that a page sends
 * explicitly, so any origin may call them — without credentials: `Access-Control-Allow-Origin: *` never lets a
 * browser attach cookies, so a foreign page cannot act with the dashboard's session. Cookie routes stay same-origin.
 */
export function installCors(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin === undefined || sameOriginOnly(request.originalUrl)) return done();
    void reply.header('access-control-allow-origin', '*').header('vary', 'origin');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      void reply
        .status(204)
        .header('access-control-allow-methods', ALLOWED_METHODS)
        // Whatever headers the page asks for (Stability's clients send their own): no credentials ride on them.
        .header('access-control-allow-headers', request.headers['access-control-request-headers'] ?? '')
        .header('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS)
        .send();
      return;
    }
    void reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    done();
  });
}

function sameOriginOnly(url: string): boolean {
  return SAME_ORIGIN_PREFIXES.some((prefix) => url.startsWith(prefix));
}
