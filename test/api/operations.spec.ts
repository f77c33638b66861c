import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthService } from '../../apps/api/src/auth/auth.service.js';
import { call, createKey, expectErrorShape, signUp, startTestApp, useTestApp } from '../support/app.js';
import { waitFor } from '../worker/worker-harness.js';

const t = useTestApp();
const { created } = t;

describe('health', () => {
  it('live and ready answer 200 with PostgreSQL and Redis up', async () => {
    expect((await call(t.url, 'GET', '/health/live')).body).toEqual({ status: 'ok' });
    const ready = await call(t.url, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });
  });
});

describe('pricing quote', () => {
  it.each([
    ['', 1],
    ['?width=512&height=512&steps=100', 2],
    ['?width=768&height=768&steps=50', 3],
    ['?width=768&height=768&steps=50&samples=4', 12],
    ['?width=64&height=64&steps=20', 1],
    ['?width=64&height=64&steps=1', 1],
    ['?width=512&height=512&steps=100&frames=60', 120],
  ])('GET /api/pricing/quote%s → %i credits', async (query, credits) => {
    const reply = await call(t.url, 'GET', `/api/pricing/quote${query}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ credits });
  });

  it.each(['width=500', 'steps=0', 'samples=11', 'height=abc', 'width=512&cfg_scale=7'])(
    'refuses %s with 400 naming the parameter',
    async (query) => {
      const reply = await call(t.url, 'GET', `/api/pricing/quote?${query}`);
      expectErrorShape(reply, 400, 'invalid_request');
      const param = query.split('&').pop()!.split('=')[0];
      expect((reply.body as { message: string }).message).toContain(param);
    },
  );
});

describe('request ids', () => {
  it('sends X-Request-Id on every answer and keeps a well-formed incoming one', async () => {
    const fresh = await call(t.url, 'GET', '/health/live');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const traced = await call(t.url, 'GET', '/api/me', { headers: { 'x-request-id': 'lb-trace-12345678' } });
    expect(traced.headers.get('x-request-id')).toBe('lb-trace-12345678');
    expectErrorShape(traced, 401, 'unauthorized');
    const hostile = await call(t.url, 'GET', '/health/live', { headers: { 'x-request-id': 'x"><script>' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('OpenAPI', () => {
  it('serves the document generated from the code, identical to the committed apps/api/openapi.json', async () => {
    const served = await call(t.url, 'GET', '/openapi.json');
    expect(served.status).toBe(200);
    const committed: unknown = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../apps/api/openapi.json'), 'utf8'),
    );
    // On failure: an API change; run `npm run openapi:write` if it was intended and commit the result.
    expect(served.body).toEqual(committed);
  });

  it('serves Swagger UI at /docs', async () => {
    const docs = await fetch(`${t.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
  });
});

describe('logs', () => {
  it('are JSON lines with request ids and never contain passwords, keys or tokens', async () => {
    const password = 'Sekret-Passw0rd-for-logs';
    const u = await signUp(t.url, password);
    created.push(u.id);
    const login = await call<{ accessToken: string }>(t.url, 'POST', '/api/auth/login', {
      json: { email: u.email, password },
    });
    const { key } = await createKey(t.url, login.body.accessToken);
    const balance = await call(t.url, 'GET', '/v1/user/balance', { token: key });
    await call(t.url, 'GET', '/v1/user/balance', { token: `${key.slice(0, -3)}xyz` });
    const requestId = balance.headers.get('x-request-id')!;

    // The access line is written when the response has finished on the server, which can be after the client
    // has read it: wait for it rather than race it.
    const parsed = (): Record<string, unknown>[] =>
      t.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const byRequest = (entry: Record<string, unknown>): boolean =>
      (entry.req as { id?: string } | undefined)?.id === requestId;
    await waitFor(() => parsed().some(byRequest) || undefined, 5_000);
    const text = t.logs.join('\n');
    for (const secret of [password, key, key.split('_')[2], login.body.accessToken, u.token]) {
      expect(text).not.toContain(secret);
    }
    const completed = parsed().find(byRequest);
    expect(completed).toMatchObject({
      req: { method: 'GET', url: '/v1/user/balance' },
      res: { statusCode: 200 },
    });
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests before closing, then stops accepting', async () => {
    const own = await startTestApp();
    const u = await signUp(own.url);
    created.push(u.id);
    // Hold a login inside its handler, so it is provably in flight when the app starts closing.
    const auth = own.app.get(AuthService);
    const login = auth.login.bind(auth);
    let entered!: () => void;
    let release!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    auth.login = async (body) => {
      entered();
      await gate;
      return login(body);
    };

    const inFlight = call(own.url, 'POST', '/api/auth/login', {
      json: { email: u.email, password: u.password },
    });
    await inHandler;
    let closed = false;
    const closing = own.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    release();
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    await closing;
    await expect(fetch(`${own.url}/health/live`)).rejects.toThrow();
  });

  it('cuts requests still running at the drain deadline, so a stuck handler cannot hold shutdown', async () => {
    const own = await startTestApp({ SHUTDOWN_DRAIN_MS: '300' });
    const auth = own.app.get(AuthService);
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    auth.login = () => {
      entered();
      return new Promise(() => {}); // never answers
    };
    const stuck = call(own.url, 'POST', '/api/auth/login', {
      json: { email: 'stuck@easel.test', password: 'irrelevant-password' },
    }).then(
      () => 'answered',
      () => 'cut',
    );
    await inHandler;
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await stuck).toBe('cut');
  });
});
