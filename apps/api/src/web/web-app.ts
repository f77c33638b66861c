import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build:web` writes the dashboard: apps/web/dist, from src/ and from dist/ alike. */
export const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths that belong to the API: never answered with the dashboard's page. */
const API_PATHS = ['/api/', '/v1/', '/files/', '/health/', '/docs'];
const ASSETS = '/assets/';
/** The catch-all route: pages of the app, or 404. */
export const WEB_FALLBACK_ROUTE = '/*';

/**
 * Serves the built dashboard at `/`: hashed files under /assets/ cached for good, index.html never cached, and
 * index.html for any other page a browser navigates to (the app routes on the client). Registered as Fastify
 * routes, so every Nest route (more specific) still wins.
 */
export function serveWebApp(fastify: FastifyInstance, distDir: string): void {
  const indexFile = path.join(distDir, 'index.html');
  // Read once, like the file list below (wildcard: false): a new build is served from the next start.
  const index = existsSync(indexFile) ? readFileSync(indexFile) : null;
  if (index) {
    // Not awaited: awaiting loads every plugin queued so far at once, which builds routes registered earlier
    // (Swagger UI's) before Nest installs its error handler; they would then answer in Fastify's error shape.
    void fastify.register(fastifyStatic, {
      root: distDir,
      wildcard: false,
      index: false,
      // The page must be re-read on each visit, so a deploy reaches users; its hashed files never change.
      setHeaders: (reply, file) =>
        void reply.header(
          'cache-control',
          file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ),
    });
  }
  const page = (reply: FastifyReply): FastifyReply =>
    index
      ? reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index)
      : reply.type('text/html; charset=utf-8').send(NOT_BUILT);
  fastify.get('/', (_request, reply) => page(reply));
  fastify.get(WEB_FALLBACK_ROUTE, (request, reply) =>
    isPageRequest(request) ? page(reply) : notFound(request, reply),
  );
}

function isPageRequest(request: FastifyRequest): boolean {
  const pathname = request.url.split('?', 1)[0];
  if (API_PATHS.some((prefix) => pathname.startsWith(prefix)) || pathname.startsWith(ASSETS)) return false;
  // A missing file (favicon.ico, a stale asset) is a 404, not the page.
  if (/\.[a-z0-9]+$/i.test(pathname)) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/** The same answer Nest gives for an unknown route. */
function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const pathname = request.url.split('?', 1)[0];
  return reply
    .code(404)
    .send({ id: request.id, name: 'not_found', message: `Cannot ${request.method} ${pathname}` });
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Easel</title></head>
<body><h1>Easel</h1><p>The dashboard is not built: run <code>npm run build:web</code> (npm start does).</p>
<p>The API is up: see <a href="/docs">/docs</a>.</p></body></html>
`;
