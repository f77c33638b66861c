/**
 * The authorization matrix: every route the running app serves (read from Fastify's route tree, checked against
 * the OpenAPI document) × {no credential, malformed, unknown and revoked keys, another user's token, key and
 * cookie, the right user's token, key and cookie, with and without CSRF} → the status it must answer. A route
 * nobody classified in route-access.ts fails here.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createKey } from '../support/app.js';
import { createTestUser, deleteTestUsers } from '../support/database.js';
import {
  finished,
  startGenerationsHarness,
  type GenerationsHarness,
} from '../generations/generations-harness.js';
import { ROUTE_ACCESS, UNDOCUMENTED, type MatrixContext, type RouteAccess } from './route-access.js';
import { appRoutes } from './route-table.js';

interface Who {
  id: string;
  email: string;
  token: string;
  key: string;
  revokedKey: string;
  cookie: string;
  csrf: string;
}

/**
 * A dashboard build of our own (WEB_DIST_DIR), so the route table does not depend on whether `npm run build:web`
 * ran: each of its files is a public route of the app.
 */
const DASHBOARD_FILES = ['index.html', 'favicon.svg', 'assets/app-1a2b3c.js'];
const ACCESS: Record<string, RouteAccess> = {
  ...ROUTE_ACCESS,
  ...Object.fromEntries(
    DASHBOARD_FILES.map((file) => [
      `GET /${file}`,
      {
        access: 'public',
        why: 'a file of the built dashboard',
        status: 200,
        probe: () => ({ path: `/${file}` }),
      },
    ]),
  ),
};

function dashboardBuild(): string {
  const dist = mkdtempSync(path.join(tmpdir(), 'easel-matrix-web-'));
  mkdirSync(path.join(dist, 'assets'));
  for (const file of DASHBOARD_FILES)
    writeFileSync(
      path.join(dist, file),
      file.endsWith('.html') ? '<!doctype html><title>Easel</title>' : '/* x */',
    );
  return dist;
}

let h: GenerationsHarness;
let a: Who;
let b: Who;
let ctx: MatrixContext;

async function person(): Promise<Who> {
  const password = 'correct horse battery';
  const user = await createTestUser(h.prisma, { credits: 50, password });
  const login = await call<{ accessToken: string }>(h.api.url, 'POST', '/api/auth/login', {
    json: { email: user.email, password },
  });
  const session = await call<{ csrfToken: string }>(h.api.url, 'POST', '/api/session', {
    json: { email: user.email, password },
  });
  const token = login.body.accessToken;
  const revoked = await createKey(h.api.url, token, 'to revoke');
  await call(h.api.url, 'DELETE', `/api/keys/${revoked.id}`, { token });
  return {
    id: user.id,
    email: user.email,
    token,
    key: (await createKey(h.api.url, token, 'matrix')).key,
    revokedKey: revoked.key,
    cookie: (session.headers.get('set-cookie') ?? '').split(';', 1)[0] ?? '',
    csrf: session.body.csrfToken,
  };
}

beforeAll(async () => {
  h = await startGenerationsHarness({ RATE_LIMIT_AUTH_IP_MAX: '1000', WEB_DIST_DIR: dashboardBuild() });
  [a, b] = [await person(), await person()];
  const made = await call<{ id: string }>(h.api.url, 'POST', '/api/generations', {
    token: a.key,
    json: { engine: h.engine, prompt: 'whose is this', steps: 3 },
  });
  await finished(h.api.url, a.token, made.body.id);
  ctx = {
    engine: h.engine,
    generationId: made.body.id,
    freshKeyId: async () => (await createKey(h.api.url, a.token, 'fresh')).id,
  };
}, 120_000);
afterAll(async () => {
  if (a && b) await deleteTestUsers(h.prisma, [a.id, b.id]);
  await h?.close();
});

interface Row {
  label: string;
  headers: Record<string, string>;
  dashboard: boolean;
  expect: number;
  /** The answer must not show the right user's data (another user is calling). */
  foreign?: boolean;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cookie = (who: Who, csrf?: string) => ({
  cookie: who.cookie,
  ...(csrf ? { 'x-csrf-token': csrf } : {}),
});
const changesState = (method: string) => method !== 'GET';

function rows(method: string, path: string, access: RouteAccess): Row[] {
  const none = { dashboard: false };
  if (access.access === 'public') {
    return [
      { label: 'no credential', headers: {}, ...none, expect: access.status },
      { label: "the right user's token (ignored)", headers: bearer(a.token), ...none, expect: access.status },
    ];
  }
  if (access.access === 'session') {
    return [
      { label: 'no cookie', headers: {}, ...none, expect: access.anonymous },
      { label: 'a bearer token, no cookie', headers: bearer(a.token), ...none, expect: access.anonymous },
      {
        label: 'an unknown session cookie',
        headers: { cookie: `easel_session=${randomBytes(32).toString('base64url')}` },
        ...none,
        expect: access.anonymous,
      },
      { label: "the right user's cookie", headers: cookie(a), ...none, expect: access.ok },
      { label: "another user's cookie", headers: cookie(b), ...none, expect: access.ok, foreign: true },
    ];
  }
  const { ok, owned } = access;
  const keyDenied = access.access === 'jwt' ? 403 : 401;
  const others = owned ? 404 : ok;
  const list: Row[] = [
    { label: 'no credential', headers: {}, ...none, expect: 401 },
    { label: 'a malformed token', headers: bearer('not-a-token'), ...none, expect: 401 },
    { label: 'Basic authentication', headers: { authorization: 'Basic YTpi' }, ...none, expect: 401 },
    {
      label: 'an unknown API key',
      headers: bearer(`esl_${randomBytes(24).toString('base64url')}`),
      ...none,
      expect: keyDenied,
    },
    { label: 'a revoked API key', headers: bearer(a.revokedKey), ...none, expect: keyDenied },
    { label: 'a cookie outside /api/dashboard', headers: cookie(a, a.csrf), ...none, expect: 401 },
    { label: "another user's token", headers: bearer(b.token), ...none, expect: others, foreign: true },
    {
      label: "another user's key",
      headers: bearer(b.key),
      ...none,
      expect: access.access === 'jwt' ? 403 : others,
      foreign: true,
    },
    { label: "the right user's token", headers: bearer(a.token), ...none, expect: ok },
    {
      label: "the right user's key",
      headers: bearer(a.key),
      ...none,
      expect: access.access === 'jwt' ? 403 : ok,
    },
  ];
  if (!path.startsWith('/api/')) return list;
  const dash = { dashboard: true };
  const csrfMissing = changesState(method) ? 403 : ok;
  return [
    ...list,
    { label: 'dashboard: no cookie', headers: {}, ...dash, expect: 401 },
    {
      label: 'dashboard: a bearer token instead of a cookie',
      headers: bearer(a.token),
      ...dash,
      expect: 401,
    },
    {
      label: 'dashboard: an unknown session',
      headers: { cookie: `easel_session=${randomBytes(32).toString('base64url')}` },
      ...dash,
      expect: 401,
    },
    {
      label: 'dashboard: a malformed cookie',
      headers: { cookie: 'easel_session=<script>' },
      ...dash,
      expect: 401,
    },
    {
      label: "dashboard: another user's cookie",
      headers: cookie(b, b.csrf),
      ...dash,
      expect: others,
      foreign: true,
    },
    { label: 'dashboard: the right cookie, no CSRF token', headers: cookie(a), ...dash, expect: csrfMissing },
    {
      label: "dashboard: the right cookie, another session's CSRF token",
      headers: cookie(a, b.csrf),
      ...dash,
      expect: csrfMissing,
    },
    { label: 'dashboard: the right cookie and CSRF token', headers: cookie(a, a.csrf), ...dash, expect: ok },
  ];
}

/** One request; an event stream is read only as far as its status. */
async function hit(method: string, path: string, headers: Record<string, string>, json: unknown) {
  const response = await fetch(`${h.api.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...headers, ...(json !== undefined && { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, text: '', type };
  }
  return { status: response.status, text: await response.text(), type };
}

describe('the route table', () => {
  it('every route the app serves is classified, and every classified route exists', () => {
    const served = appRoutes(h.api.app.getHttpAdapter().getInstance()).map((r) => `${r.method} ${r.path}`);
    const unclassified = served.filter((r) => !(r in ACCESS));
    const stale = Object.keys(ACCESS).filter((r) => !served.includes(r));
    expect({ unclassified, stale }).toEqual({ unclassified: [], stale: [] });
  });

  it('the OpenAPI document describes exactly the served routes, less the undocumented ones', async () => {
    const doc = (
      await call<{ paths: Record<string, Record<string, unknown>> }>(h.api.url, 'GET', '/openapi.json')
    ).body;
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    const served = appRoutes(h.api.app.getHttpAdapter().getInstance()).map((r) => `${r.method} ${r.path}`);
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
    const undocumentedOk = (r: string) =>
      UNDOCUMENTED.has(r) || DASHBOARD_FILES.some((f) => r === `GET /${f}`);
    expect(served.filter((r) => !documented.includes(r) && !undocumentedOk(r))).toEqual([]);
  });
});

describe('who may call what', () => {
  it.each(Object.entries(ACCESS))('%s', async (route, access) => {
    const [method = 'GET', pattern = '/'] = route.split(' ');
    const wrong: string[] = [];
    for (const row of rows(method, pattern, access)) {
      const probe = await access.probe(ctx);
      const path = row.dashboard ? probe.path.replace(/^\/api\//, '/api/dashboard/') : probe.path;
      const reply = await hit(method, path, { ...probe.headers, ...row.headers }, probe.json);
      const leaks = row.foreign && (reply.text.includes(a.id) || reply.text.includes(a.email));
      if (reply.status !== row.expect || leaks)
        wrong.push(
          `${row.label}: expected ${row.expect}, got ${reply.status}${leaks ? ' showing the right user' : ''} ${reply.text.slice(0, 160)}`,
        );
      else if (reply.status >= 400 && reply.type.includes('json')) {
        const body = JSON.parse(reply.text) as Record<string, unknown>;
        if (Object.keys(body).sort().join() !== 'id,message,name')
          wrong.push(`${row.label}: error body ${reply.text}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
