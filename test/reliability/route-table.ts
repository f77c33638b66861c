// The routes the running app really serves, read from Fastify's own route tree (printRoutes), so a route added
// anywhere (a Nest controller, a Fastify plugin, a static handler) shows up here without anyone listing it.
import type { FastifyInstance } from 'fastify';

export interface Route {
  method: string;
  path: string;
}

const LINE = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/;

/**
 * Parses the radix tree printRoutes() draws: each line is one edge whose text continues its parent's path, with
 * the methods of the route ending there in parentheses.
 */
export function parseRouteTree(tree: string): Route[] {
  const stack: string[] = [];
  const routes: Route[] = [];
  for (const line of tree.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const depth = (match[1]?.length ?? 0) / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    const path = stack.join('');
    for (const method of (match[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean))
      routes.push({ method, path });
  }
  return routes;
}

/** Every method and path the app answers (HEAD, which Fastify adds beside each GET, left out). */
export function appRoutes(fastify: FastifyInstance): Route[] {
  const routes = parseRouteTree(fastify.printRoutes()).filter((r) => r.method !== 'HEAD');
  const unique = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return [...unique.values()].sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}
