import { describe, expect, it } from 'vitest';
import {
  call,
  createKey,
  expectErrorShape,
  signUp,
  startTestApp,
  uniqueEmail,
  useTestApp,
} from '../support/app.js';

const t = useTestApp({
  RATE_LIMIT_AUTH_IP_MAX: '4',
  RATE_LIMIT_API_KEY_MAX: '3',
  RATE_LIMIT_WINDOW_MS: '30000',
});
const { prisma, created } = t;

describe('rate limits (Redis, fixed window)', () => {
  it('limits each API key separately and answers 429 with Retry-After', async () => {
    const u = await signUp(t.url); // auth hit 1 of 4
    created.push(u.id);
    const first = await createKey(t.url, u.token, 'first');
    const second = await createKey(t.url, u.token, 'second');

    for (let i = 0; i < 3; i++) {
      const ok = await call(t.url, 'GET', '/v1/user/balance', { token: first.key });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const limited = await call(t.url, 'GET', '/v1/user/balance', { token: first.key });
    expectErrorShape(limited, 429, 'rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);

    expect((await call(t.url, 'GET', '/v1/user/balance', { token: second.key })).status).toBe(200);
    // The login token is not an API key: key limits do not apply to the dashboard.
    expect((await call(t.url, 'GET', '/api/balance', { token: u.token })).status).toBe(200);
  });

  it('counts one key across replicas (shared Redis)', async () => {
    const other = await startTestApp({
      REDIS_KEY_PREFIX: t.config.redis.keyPrefix,
      JWT_SECRET: t.config.jwt.secret,
      RATE_LIMIT_API_KEY_MAX: '3',
      RATE_LIMIT_WINDOW_MS: '30000',
    });
    try {
      const u = await prisma.user.findUniqueOrThrow({ where: { id: created[0] } });
      const login = await call<{ accessToken: string }>(t.url, 'POST', '/api/auth/login', {
        json: { email: u.email, password: 'correct horse battery' },
      });
      const { key } = await createKey(t.url, login.body.accessToken, 'shared');
      const statuses = [];
      for (const base of [t.url, other.url, t.url, other.url]) {
        statuses.push((await call(base, 'GET', '/v1/user/balance', { token: key })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await other.close();
    }
  });

  it('limits sign-up and login attempts per client IP, whatever the outcome', async () => {
    const own = await startTestApp({ RATE_LIMIT_AUTH_IP_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' });
    try {
      const u = await signUp(own.url);
      created.push(u.id);
      const wrong = { json: { email: u.email, password: 'not the password' } };
      expect((await call(own.url, 'POST', '/api/auth/login', wrong)).status).toBe(401);
      expect((await call(own.url, 'POST', '/api/auth/login', wrong)).status).toBe(401);
      // Even the right password is refused now: the limit counts attempts, not failures.
      const limited = await call(own.url, 'POST', '/api/auth/login', {
        json: { email: u.email, password: u.password },
      });
      expectErrorShape(limited, 429, 'rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const signup = await call(own.url, 'POST', '/api/auth/signup', {
        json: { email: uniqueEmail(), password: 'whatever1' },
      });
      expectErrorShape(signup, 429, 'rate_limited');
    } finally {
      await own.close();
    }
  });
});
