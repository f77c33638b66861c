import { describe, expect, it } from 'vitest';
import { call, expectErrorShape, signUp, startTestApp, uniqueEmail, useTestApp } from '../support/app.js';

const t = useTestApp();
const { prisma, created } = t;

describe('sign-up', () => {
  it('creates the user with 200 credits recorded as the signup ledger entry', async () => {
    const email = uniqueEmail('Signup');
    const reply = await call<{ user: { id: string; email: string; createdAt: string }; accessToken: string }>(
      t.url,
      'POST',
      '/api/auth/signup',
      { json: { email: `  ${email.toUpperCase()} `, password: 'a good password' } },
    );
    expect(reply.status).toBe(201);
    created.push(reply.body.user.id);
    expect(reply.body.user.email).toBe(email.toLowerCase());
    expect(Date.parse(reply.body.user.createdAt)).not.toBeNaN();

    const token = reply.body.accessToken;
    const me = await call(t.url, 'GET', '/api/me', { token });
    expect(me.body).toEqual({ id: reply.body.user.id, email: email.toLowerCase(), credits: 200 });
    const ledger = await call<{ data: Record<string, unknown>[]; nextCursor: string | null }>(
      t.url,
      'GET',
      '/api/ledger',
      {
        token,
      },
    );
    expect(ledger.status).toBe(200);
    expect(ledger.body.nextCursor).toBeNull();
    expect(ledger.body.data).toHaveLength(1);
    expect(ledger.body.data[0]).toMatchObject({
      amount: 200,
      kind: 'grant',
      reference: `signup:${reply.body.user.id}`,
      balanceAfter: 200,
    });
  });

  it('refuses a taken email, also in another case, spacing or Unicode form: 409 email_taken', async () => {
    const user = await signUp(t.url);
    created.push(user.id);
    const fullWidth = user.email.replace('@', '＠');
    for (const email of [user.email, ` ${user.email.toUpperCase()}`, fullWidth]) {
      const reply = await call(t.url, 'POST', '/api/auth/signup', {
        json: { email, password: 'another password' },
      });
      expectErrorShape(reply, 409, 'email_taken');
    }
    expect(await prisma.user.count({ where: { email: user.email } })).toBe(1);
  });
});

describe('login', () => {
  it('returns a working access token for the right password, with the normalised email', async () => {
    const user = await signUp(t.url);
    created.push(user.id);
    const reply = await call<{ accessToken: string }>(t.url, 'POST', '/api/auth/login', {
      json: { email: ` ${user.email.toUpperCase()}`, password: user.password },
    });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body)).toEqual(['accessToken']);
    const me = await call(t.url, 'GET', '/api/me', { token: reply.body.accessToken });
    expect(me.status).toBe(200);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const user = await signUp(t.url);
    created.push(user.id);
    const wrong = await call(t.url, 'POST', '/api/auth/login', {
      json: { email: user.email, password: 'not it at all' },
    });
    const unknown = await call(t.url, 'POST', '/api/auth/login', {
      json: { email: uniqueEmail('nobody'), password: user.password },
    });
    expectErrorShape(wrong, 401, 'unauthorized');
    expectErrorShape(unknown, 401, 'unauthorized');
    expect((wrong.body as { message: string }).message).toBe((unknown.body as { message: string }).message);
  });
});

describe('access tokens', () => {
  it('rejects missing, malformed, tampered and foreign-signed tokens with 401', async () => {
    const user = await signUp(t.url);
    created.push(user.id);
    const [header, payload] = user.token.split('.');
    const tampered = `${header}.${payload}.${'A'.repeat(43)}`;
    expectErrorShape(await call(t.url, 'GET', '/api/me'), 401, 'unauthorized');
    expectErrorShape(await call(t.url, 'GET', '/api/me', { token: 'not-a-jwt' }), 401, 'unauthorized');
    expectErrorShape(await call(t.url, 'GET', '/api/me', { token: tampered }), 401, 'unauthorized');
    expectErrorShape(
      await call(t.url, 'GET', '/api/me', { headers: { authorization: `Basic ${user.token}` } }),
      401,
      'unauthorized',
    );
  });

  it('expire: a token past its lifetime gets 401', async () => {
    // Same secret as `t`: passport's strategy registry is process-global, so apps in one process must agree.
    const shortLived = await startTestApp({ JWT_TTL_SECONDS: '1', JWT_SECRET: t.config.jwt.secret });
    try {
      const u = await signUp(shortLived.url);
      created.push(u.id);
      expect((await call(shortLived.url, 'GET', '/api/me', { token: u.token })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expectErrorShape(await call(shortLived.url, 'GET', '/api/me', { token: u.token }), 401, 'unauthorized');
    } finally {
      await shortLived.close();
    }
  });
});
