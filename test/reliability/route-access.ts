/**
 * Who may call each route the app serves, by `METHOD path` as Fastify's route tree spells it. A route missing here
 * fails auth-matrix.spec.ts: whoever adds one decides here whether it is public and which credential it takes.
 */

/** What a matrix request needs to know about the world it runs in. */
export interface MatrixContext {
  engine: string;
  /** A finished generation of the right user. */
  generationId: string;
  /** A fresh API key id of the right user (for the revocation route, which uses one up). */
  freshKeyId(): Promise<string>;
}

export interface Probe {
  /** The concrete path (ids filled in) and body the right user sends. */
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
}

interface Common {
  probe: (ctx: MatrixContext) => Probe | Promise<Probe>;
}

/** Needs no credential; `status` is what an anonymous caller gets for the probe. */
export interface PublicRoute extends Common {
  access: 'public';
  why: string;
  status: number;
}

/**
 * `account`: a login token or an API key (and the dashboard cookie under /api/dashboard/…); `jwt`: a login token
 * only, an API key is 403 (and the cookie). `ok` is the right user's status for the probe (2xx, or a 400 for a
 * probe that is deliberately invalid after authentication); `owned`: the path names the right user's resource,
 * so anyone else gets 404.
 */
export interface ProtectedRoute extends Common {
  access: 'account' | 'jwt';
  ok: number;
  owned?: boolean;
}

/** Authenticated by the dashboard session cookie itself (its sign-in state), not by a bearer token. */
export interface SessionRoute extends Common {
  access: 'session';
  ok: number;
  anonymous: number;
}

export type RouteAccess = PublicRoute | ProtectedRoute | SessionRoute;

const get = (path: string) => () => ({ path });
const at = (path: string, json?: unknown) => () => ({ path, json });

export const ROUTE_ACCESS: Record<string, RouteAccess> = {
  // Public by design.
  'GET /': { access: 'public', why: 'the dashboard page', status: 200, probe: get('/') },
  'GET /*': {
    access: 'public',
    why: 'dashboard pages (SPA fallback); anything else 404',
    status: 200,
    probe: () => ({ path: '/credits', headers: { accept: 'text/html' } }),
  },
  'GET /health/live': { access: 'public', why: 'probes', status: 200, probe: get('/health/live') },
  'GET /health/ready': { access: 'public', why: 'probes', status: 200, probe: get('/health/ready') },
  'GET /openapi.json': { access: 'public', why: 'API document', status: 200, probe: get('/openapi.json') },
  'GET /docs': { access: 'public', why: 'Swagger UI', status: 200, probe: get('/docs') },
  'GET /docs/': { access: 'public', why: 'Swagger UI', status: 200, probe: get('/docs/') },
  'GET /docs/*': {
    access: 'public',
    why: 'Swagger UI assets',
    status: 200,
    probe: get('/docs/swagger-ui.css'),
  },
  'GET /docs/index.html': {
    access: 'public',
    why: 'Swagger UI',
    status: 200,
    probe: get('/docs/index.html'),
  },
  'GET /docs/LICENSE': {
    access: 'public',
    why: 'registered by @nestjs/swagger; swagger-ui-dist does not ship the file',
    status: 404,
    probe: get('/docs/LICENSE'),
  },
  'GET /docs/swagger-ui-init.js': {
    access: 'public',
    why: 'Swagger UI',
    status: 200,
    probe: get('/docs/swagger-ui-init.js'),
  },
  'GET /docs/docs/swagger-ui-init.js': {
    access: 'public',
    why: 'Swagger UI',
    status: 200,
    probe: get('/docs/docs/swagger-ui-init.js'),
  },
  'GET /files/*': {
    access: 'public',
    why: 'signed artifact URLs: the signature is the credential (unsigned → 400)',
    status: 400,
    probe: get('/files/generations/x/0.png'),
  },
  'GET /api/billing/packs': {
    access: 'public',
    why: 'price list',
    status: 200,
    probe: get('/api/billing/packs'),
  },
  'GET /api/pricing/quote': {
    access: 'public',
    why: 'price quote',
    status: 200,
    probe: get('/api/pricing/quote'),
  },
  'POST /api/billing/stripe/webhook': {
    access: 'public',
    why: "Stripe's webhook: the Stripe-Signature is the credential (billing off here → 503)",
    status: 503,
    probe: at('/api/billing/stripe/webhook', { id: 'evt_x' }),
  },
  'POST /api/auth/signup': {
    access: 'public',
    why: 'sign-up',
    status: 400,
    probe: at('/api/auth/signup', {}),
  },
  'POST /api/auth/login': { access: 'public', why: 'login', status: 400, probe: at('/api/auth/login', {}) },
  'POST /api/session': {
    access: 'public',
    why: 'dashboard sign-in',
    status: 400,
    probe: at('/api/session', {}),
  },
  'POST /api/session/signup': {
    access: 'public',
    why: 'dashboard sign-up',
    status: 400,
    probe: at('/api/session/signup', {}),
  },
  'DELETE /api/session': {
    access: 'public',
    why: 'sign-out clears the cookie whoever asks (a live session also needs its CSRF token)',
    status: 204,
    probe: () => ({ path: '/api/session' }),
  },
  // The session itself.
  'GET /api/session': { access: 'session', ok: 200, anonymous: 401, probe: get('/api/session') },
  // Login token or API key.
  'GET /api/me': { access: 'account', ok: 200, probe: get('/api/me') },
  'GET /api/balance': { access: 'account', ok: 200, probe: get('/api/balance') },
  'GET /api/ledger': { access: 'account', ok: 200, probe: get('/api/ledger') },
  'GET /api/engines': { access: 'account', ok: 200, probe: get('/api/engines') },
  'GET /api/billing/purchases': { access: 'account', ok: 200, probe: get('/api/billing/purchases') },
  'POST /api/billing/checkout': { access: 'account', ok: 400, probe: at('/api/billing/checkout', {}) },
  'GET /api/generations': { access: 'account', ok: 200, probe: get('/api/generations') },
  'POST /api/generations': { access: 'account', ok: 400, probe: at('/api/generations', { prompt: '' }) },
  'GET /api/generations/:id': {
    access: 'account',
    ok: 200,
    owned: true,
    probe: (c) => ({ path: `/api/generations/${c.generationId}` }),
  },
  'GET /api/generations/:id/events': {
    access: 'account',
    ok: 200,
    owned: true,
    probe: (c) => ({ path: `/api/generations/${c.generationId}/events` }),
  },
  'POST /api/generations/:id/cancel': {
    access: 'account',
    ok: 200,
    owned: true,
    probe: (c) => ({ path: `/api/generations/${c.generationId}/cancel` }),
  },
  'DELETE /api/generations/:id': {
    access: 'account',
    ok: 204,
    owned: true,
    probe: (c) => ({ path: `/api/generations/${c.generationId}` }),
  },
  'GET /v1/engines/list': { access: 'account', ok: 200, probe: get('/v1/engines/list') },
  'GET /v1/user/account': { access: 'account', ok: 200, probe: get('/v1/user/account') },
  'GET /v1/user/balance': { access: 'account', ok: 200, probe: get('/v1/user/balance') },
  'POST /v1/generation/:engine_id/text-to-image': {
    access: 'account',
    ok: 400,
    probe: (c) => ({ path: `/v1/generation/${c.engine}/text-to-image`, json: { text_prompts: [] } }),
  },
  'POST /v1/generation/:engine_id/image-to-image': {
    access: 'account',
    ok: 400,
    probe: (c) => ({ path: `/v1/generation/${c.engine}/image-to-image`, json: {} }),
  },
  'POST /v1/generation/:engine_id/image-to-image/masking': {
    access: 'account',
    ok: 400,
    probe: (c) => ({ path: `/v1/generation/${c.engine}/image-to-image/masking`, json: {} }),
  },
  // Login token only: managing API keys.
  'GET /api/keys': { access: 'jwt', ok: 200, probe: get('/api/keys') },
  'POST /api/keys': { access: 'jwt', ok: 201, probe: at('/api/keys', { name: 'matrix' }) },
  'DELETE /api/keys/:id': {
    access: 'jwt',
    ok: 204,
    owned: true,
    probe: async (c) => ({ path: `/api/keys/${await c.freshKeyId()}` }),
  },
};

/** Routes the OpenAPI document leaves out on purpose (everything else it must describe). */
export const UNDOCUMENTED = new Set([
  'GET /',
  'GET /*',
  'GET /openapi.json',
  'GET /docs',
  'GET /docs/',
  'GET /docs/*',
  'GET /docs/index.html',
  'GET /docs/LICENSE',
  'GET /docs/swagger-ui-init.js',
  'GET /docs/docs/swagger-ui-init.js',
  'GET /files/*',
]);
