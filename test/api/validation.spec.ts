import { describe, expect, it } from 'vitest';
import { call, expectErrorShape, signUp, uniqueEmail, useTestApp } from '../support/app.js';

const t = useTestApp();
const { prisma, created } = t;

const message = (reply: { body: unknown }) => (reply.body as { message: string }).message;
const signup = (body: string, contentType = 'application/json') =>
  call(t.url, 'POST', '/api/auth/signup', { body, headers: { 'content-type': contentType } });

/** Nothing with this email may exist after a refused sign-up. */
async function expectNoUser(email: string) {
  if (email.includes('\u0000')) return; // PostgreSQL text cannot hold NUL, so no such row can exist.
  expect(await prisma.user.count({ where: { email: email.trim().normalize('NFKC').toLowerCase() } })).toBe(0);
}

describe('bad input on sign-up: a clear 4xx and nothing written', () => {
  it('malformed JSON → 400 invalid_request', async () => {
    const reply = await signup('{"email": "x@y.io", "password": ');
    expectErrorShape(reply, 400, 'invalid_request');
    expect(message(reply)).toMatch(/JSON/);
  });

  it('a non-JSON content type → 415', async () => {
    const email = uniqueEmail();
    expectErrorShape(
      await signup(`email=${email}&password=abcdefghij`, 'text/plain'),
      415,
      'unsupported_media_type',
    );
    await expectNoUser(email);
  });

  it('an empty body or a JSON array → 400 naming the body', async () => {
    expectErrorShape(await call(t.url, 'POST', '/api/auth/signup'), 400, 'invalid_request');
    const reply = await signup('[]');
    expectErrorShape(reply, 400, 'invalid_request');
    expect(message(reply)).toMatch(/^body/);
  });

  it('wrong types → 400 naming the field', async () => {
    const email = uniqueEmail();
    const reply = await call(t.url, 'POST', '/api/auth/signup', { json: { email, password: 12345678 } });
    expectErrorShape(reply, 400, 'invalid_request');
    expect(message(reply)).toContain('body.password');
    await expectNoUser(email);
  });

  it('unknown fields → 400 naming the field', async () => {
    const email = uniqueEmail();
    const reply = await call(t.url, 'POST', '/api/auth/signup', {
      json: { email, password: 'long enough pw', credits: 1_000_000 },
    });
    expectErrorShape(reply, 400, 'invalid_request');
    expect(message(reply)).toContain("'credits'");
    await expectNoUser(email);
  });

  it('a 10 MB body → 413 payload_too_large', async () => {
    const email = uniqueEmail();
    const reply = await call(t.url, 'POST', '/api/auth/signup', {
      json: { email, password: 'x'.repeat(10 * 1024 * 1024) },
    });
    expectErrorShape(reply, 413, 'payload_too_large');
    await expectNoUser(email);
  });

  it.each([
    ['empty', ''],
    ['too short', 'short'],
    ['too long (201 chars)', 'p'.repeat(201)],
  ])('a password that is %s → 400 naming the password', async (_label, password) => {
    const email = uniqueEmail();
    const reply = await call(t.url, 'POST', '/api/auth/signup', { json: { email, password } });
    expectErrorShape(reply, 400, 'invalid_request');
    expect(message(reply)).toContain('body.password');
    await expectNoUser(email);
  });

  it.each([
    ['a zero-width space', 'ada\u200b@example.com'],
    ['an emoji', '🎨@example.com'],
    ['a right-to-left override', 'ada\u202e@example.com'],
    ['a NUL byte', 'ada\u0000@example.com'],
    ['no domain', 'ada@'],
    ['a lone surrogate', 'ada\ud800@example.com'],
  ])('an email with %s → 400 naming the email', async (_label, email) => {
    const reply = await call(t.url, 'POST', '/api/auth/signup', {
      json: { email, password: 'long enough pw' },
    });
    expectErrorShape(reply, 400, 'invalid_request');
    expect(message(reply)).toContain('body.email');
    await expectNoUser(email);
  });

  it('full-width Unicode email is normalised (NFKC), not refused', async () => {
    const local = `fw${Date.now()}`;
    const reply = await call<{ user: { id: string; email: string } }>(t.url, 'POST', '/api/auth/signup', {
      json: { email: `ＡＤＡ${local}＠ｅｘａｍｐｌｅ．ｃｏｍ`, password: 'long enough pw' },
    });
    expect(reply.status).toBe(201);
    created.push(reply.body.user.id);
    expect(reply.body.user.email).toBe(`ada${local}@example.com`);
  });
});

describe('bad input elsewhere', () => {
  it('key names are validated and nothing is written', async () => {
    const u = await signUp(t.url);
    created.push(u.id);
    for (const json of [
      {},
      { name: '' },
      { name: 'x'.repeat(101) },
      { name: 7 },
      { name: 'ok', scope: 'admin' },
    ]) {
      expectErrorShape(
        await call(t.url, 'POST', '/api/keys', { token: u.token, json }),
        400,
        'invalid_request',
      );
    }
    expect(await prisma.apiKey.count({ where: { userId: u.id } })).toBe(0);
  });

  it('ledger paging is validated', async () => {
    const u = await signUp(t.url);
    created.push(u.id);
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'cursor=%00garbage', 'offset=3']) {
      const reply = await call(t.url, 'GET', `/api/ledger?${query}`, { token: u.token });
      expectErrorShape(reply, 400, 'invalid_request');
    }
  });

  it('unknown routes → 404 not_found in the same shape', async () => {
    expectErrorShape(await call(t.url, 'GET', '/api/nothing-here'), 404, 'not_found');
    expectErrorShape(await call(t.url, 'PATCH', '/api/me'), 404, 'not_found');
  });
});
