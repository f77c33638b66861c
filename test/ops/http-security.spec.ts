// Security headers, the CORS policy and per-route body limits, on the real API.
import { describe, expect, it } from 'vitest';
import { call, createKey, expectErrorShape, signUp, useTestApp } from '../support/app.js';

const FOREIGN = 'https://someone-elses-app.example';

const t = useTestApp({ IMAGE_BODY_LIMIT_BYTES: String(2 * 1_048_576) });
const { created } = t;

describe('security headers', () => {
  it('come with every API answer, errors included: nothing may render or frame it', async () => {
    for (const reply of [await call(t.url, 'GET', '/health/live'), await call(t.url, 'GET', '/api/me')]) {
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('give pages (Swagger UI, the dashboard to come at /) the full set', async () => {
    const docs = await fetch(`${t.url}/docs`);
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    expect(docs.headers.get('x-frame-options')).toBe('DENY');
    expect(docs.headers.get('referrer-policy')).toBe('no-referrer');
    expect(docs.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    const csp = docs.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    await docs.arrayBuffer();
  });

  it('let Swagger UI run: every script it loads comes from this origin, none inline', async () => {
    const docs = await fetch(`${t.url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await docs.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(body.trim()).toBe('');
      const src = /src=['"]([^'"]+)['"]/.exec(attributes)?.[1];
      expect(src).toBeDefined();
      expect(src!.startsWith('http')).toBe(false);
      const script = await fetch(new URL(src!, `${t.url}/docs`));
      expect(script.status, src).toBe(200);
    }
  });
});

describe('CORS', () => {
  it('lets any origin call the API with a bearer token, never with credentials', async () => {
    const preflight = await fetch(`${t.url}/v1/user/balance`, {
      method: 'OPTIONS',
      headers: {
        origin: FOREIGN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization, stability-client-id',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, stability-client-id');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const u = await signUp(t.url);
    created.push(u.id);
    const { key } = await createKey(t.url, u.token);
    const reply = await call(t.url, 'GET', '/v1/user/balance', { token: key, headers: { origin: FOREIGN } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('access-control-allow-origin')).toBe('*');
    expect(reply.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(reply.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('sends no CORS headers without an Origin, nor on the dashboard’s cookie-session routes', async () => {
    expect((await call(t.url, 'GET', '/health/live')).headers.get('access-control-allow-origin')).toBeNull();
    const session = await fetch(`${t.url}/api/session`, {
      method: 'OPTIONS',
      headers: { origin: FOREIGN, 'access-control-request-method': 'POST' },
    });
    expect(session.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('body limits per route', () => {
  it('JSON routes refuse more than BODY_LIMIT_BYTES with 413 payload_too_large', async () => {
    const reply = await call(t.url, 'POST', '/api/auth/login', {
      json: { email: 'a@easel.test', password: 'x'.repeat(200_000) },
    });
    expectErrorShape(reply, 413, 'payload_too_large');
  });

  it('image routes take larger bodies, up to IMAGE_BODY_LIMIT_BYTES', async () => {
    const u = await signUp(t.url);
    created.push(u.id);
    // 600 KB: over the JSON limit, under the image limit: it reaches validation (no such engine), not the limit.
    const medium = await call(t.url, 'POST', '/api/generations', {
      token: u.token,
      json: { engine: 'no-such-engine', prompt: 'x', initImage: 'A'.repeat(600_000) },
    });
    expect(medium.status).toBe(400);
    const large = await call(t.url, 'POST', '/api/generations', {
      token: u.token,
      json: { engine: 'no-such-engine', prompt: 'x', initImage: 'A'.repeat(3 * 1_048_576) },
    });
    expectErrorShape(large, 413, 'payload_too_large');
  });
});
