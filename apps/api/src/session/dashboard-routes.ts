import type { IncomingMessage } from 'node:http';

/**
 * The dashboard calls the same handlers as programs do, under `/api/dashboard/…`, authenticated by its session
 * cookie instead of a bearer token: `/api/dashboard/generations` is `/api/generations`. The prefix keeps cookie
 * authentication apart — only it accepts the cookie, and it answers no CORS headers (see security/cors.ts).
 */
export const DASHBOARD_PREFIX = '/api/dashboard/';

/** Fastify's rewriteUrl: routes `/api/dashboard/x` to `/api/x`; the original stays in request.originalUrl. */
export function rewriteDashboardUrl(request: IncomingMessage): string {
  const url = request.url ?? '/';
  return url.startsWith(DASHBOARD_PREFIX) ? `/api/${url.slice(DASHBOARD_PREFIX.length)}` : url;
}

export function viaDashboard(originalUrl: string): boolean {
  return originalUrl.startsWith(DASHBOARD_PREFIX);
}
