import { describe, expect, it } from 'vitest';
import { call, createKey, expectErrorShape, signUp, startTestApp, useTestApp } from '../support/app.js';

const t = useTestApp();
const { prisma, created } = t;

async function user() {
  const u = await signUp(t.url);
  created.push(u.id);
  return u;
}

describe('API keys', () => {
  it('creates a key shown once, stores only its hash, lists it without the secret', async () => {
    const u = await user();
    const reply = await call<Record<string, string>>(t.url, 'POST', '/api/keys', {
      token: u.token,
      json: { name: ' ci ' },
    });
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(['createdAt', 'id', 'key', 'name', 'prefix']);
    expect(reply.body.name).toBe('ci');
    expect(reply.body.key).toMatch(/^esl_[0-9a-f]{10}_[A-Za-z0-9_-]{43}$/);
    expect(reply.body.key.startsWith(`${reply.body.prefix}_`)).toBe(true);

    const row = await prisma.apiKey.findUniqueOrThrow({ where: { id: reply.body.id } });
    expect(JSON.stringify(row)).not.toContain(reply.body.key.slice(15));
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);

    const list = await call<{ data: Record<string, unknown>[] }>(t.url, 'GET', '/api/keys', {
      token: u.token,
    });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      {
        id: reply.body.id,
        name: 'ci',
        prefix: reply.body.prefix,
        createdAt: reply.body.createdAt,
        lastUsedAt: null,
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(reply.body.key);
  });

  it('authenticates API routes with the key, records lastUsedAt, and answers 401 once revoked', async () => {
    const u = await user();
    const { id, key } = await createKey(t.url, u.token);
    const balance = await call(t.url, 'GET', '/v1/user/balance', { token: key });
    expect(balance.status).toBe(200);
    expect(balance.body).toEqual({ credits: 200 });
    // The old Stability examples send the bare key.
    expect((await call(t.url, 'GET', '/v1/user/balance', { headers: { authorization: key } })).status).toBe(
      200,
    );

    await expect
      .poll(async () => (await prisma.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt)
      .not.toBeNull();

    const revoke = await call(t.url, 'DELETE', `/api/keys/${id}`, { token: u.token });
    expect(revoke.status).toBe(204);
    expectErrorShape(await call(t.url, 'GET', '/v1/user/balance', { token: key }), 401, 'unauthorized');
    expectErrorShape(await call(t.url, 'GET', '/api/me', { token: key }), 401, 'unauthorized');
    const list = await call<{ data: unknown[] }>(t.url, 'GET', '/api/keys', { token: u.token });
    expect(list.body.data).toEqual([]);
    expectErrorShape(await call(t.url, 'DELETE', `/api/keys/${id}`, { token: u.token }), 404, 'not_found');
  });

  it("keeps accounts apart: B can neither see nor revoke A's keys (404), and A's key still works", async () => {
    const a = await user();
    const b = await user();
    const keyA = await createKey(t.url, a.token, 'a');
    const listB = await call<{ data: unknown[] }>(t.url, 'GET', '/api/keys', { token: b.token });
    expect(listB.body.data).toEqual([]);
    expectErrorShape(
      await call(t.url, 'DELETE', `/api/keys/${keyA.id}`, { token: b.token }),
      404,
      'not_found',
    );
    const me = await call<{ id: string }>(t.url, 'GET', '/api/me', { token: keyA.key });
    expect(me.body.id).toBe(a.id);
  });

  it('rejects unknown and malformed keys and ids', async () => {
    const u = await user();
    const { key } = await createKey(t.url, u.token);
    const forged = `${key.slice(0, -4)}AAAA`;
    expectErrorShape(await call(t.url, 'GET', '/v1/user/balance', { token: forged }), 401, 'unauthorized');
    expectErrorShape(
      await call(t.url, 'GET', '/v1/user/balance', { token: 'esl_short' }),
      401,
      'unauthorized',
    );
    expectErrorShape(
      await call(t.url, 'DELETE', '/api/keys/not-a-uuid', { token: u.token }),
      400,
      'invalid_request',
    );
  });
});

describe('route classes', () => {
  it('key management takes the login token only: an API key gets 403', async () => {
    const u = await user();
    const { id, key } = await createKey(t.url, u.token);
    expectErrorShape(await call(t.url, 'GET', '/api/keys', { token: key }), 403, 'permission_denied');
    expectErrorShape(
      await call(t.url, 'POST', '/api/keys', { token: key, json: { name: 'x' } }),
      403,
      'permission_denied',
    );
    expectErrorShape(
      await call(t.url, 'DELETE', `/api/keys/${id}`, { token: key }),
      403,
      'permission_denied',
    );
  });

  it('account routes take both the login token and an API key, and nothing else', async () => {
    const u = await user();
    const { key } = await createKey(t.url, u.token);
    for (const route of ['/api/me', '/api/balance', '/api/ledger', '/v1/user/balance', '/v1/user/account']) {
      expect((await call(t.url, 'GET', route, { token: u.token })).status, `${route} with JWT`).toBe(200);
      expect((await call(t.url, 'GET', route, { token: key })).status, `${route} with key`).toBe(200);
      expectErrorShape(await call(t.url, 'GET', route), 401, 'unauthorized');
    }
    const account = await call(t.url, 'GET', '/v1/user/account', { token: key });
    expect(account.body).toEqual({
      id: u.id,
      email: u.email,
      profile_picture: '',
      organizations: [{ id: `org-${u.id}`, name: 'Personal', role: 'OWNER', is_default: true }],
    });
  });
});

describe('revocation across replicas', () => {
  it('a key revoked on one replica stops working on another that had it cached', async () => {
    // Replicas share Redis and the JWT secret (passport's strategy registry is process-global, too).
    const other = await startTestApp({
      REDIS_KEY_PREFIX: t.config.redis.keyPrefix,
      JWT_SECRET: t.config.jwt.secret,
      API_KEY_CACHE_TTL_MS: '600000',
    });
    try {
      const u = await user();
      const { id, key } = await createKey(t.url, u.token);
      expect((await call(other.url, 'GET', '/v1/user/balance', { token: key })).status).toBe(200);
      expect((await call(t.url, 'DELETE', `/api/keys/${id}`, { token: u.token })).status).toBe(204);
      await expect
        .poll(async () => (await call(other.url, 'GET', '/v1/user/balance', { token: key })).status, {
          timeout: 2000,
        })
        .toBe(401);
    } finally {
      await other.close();
    }
  });
});
