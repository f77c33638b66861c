// Per-account login lockout with backoff, and the audit trail of logins and API keys (real PostgreSQL, Redis),
// read back the way an operator does: `npm run audit:log`.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createKey,
  expectErrorShape,
  signUp,
  startTestApp,
  uniqueEmail,
  type TestApp,
} from '../support/app.js';
import { createTestPrisma, deleteTestUsers, testDatabaseUrl } from '../support/database.js';
import { sample, scrape } from '../support/prometheus.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
let t: TestApp;
const prisma = createTestPrisma(2);
const created: string[] = [];

beforeAll(async () => {
  t = await startTestApp({
    LOGIN_LOCKOUT_THRESHOLD: '3',
    // Long enough that "meanwhile" is inside the lock on a loaded machine; the test ends locks itself.
    LOGIN_LOCKOUT_BASE_SECONDS: '30',
    LOGIN_LOCKOUT_MAX_SECONDS: '45',
    RATE_LIMIT_AUTH_IP_MAX: '1000',
  });
});
afterAll(async () => {
  await prisma.auditEvent.deleteMany({ where: { userId: { in: created } } });
  await deleteTestUsers(prisma, created);
  await prisma.$disconnect();
  await t.close();
});

/** What waiting out the lock does: its Redis key expires (the failure count stays). */
async function endLock(email: string): Promise<void> {
  const redis = new Redis(t.config.redis.url);
  const id = createHash('sha256').update(email.toLowerCase()).digest('base64url');
  await redis.del(`${t.config.redis.keyPrefix}login:${id}:locked`);
  redis.disconnect();
}

const login = (email: string, password: string) =>
  call<{ accessToken?: string }>(t.url, 'POST', '/api/auth/login', { json: { email, password } });

describe('login lockout per account', () => {
  it('locks after THRESHOLD failures in a row, refuses even the right password meanwhile, doubles, then lets in', async () => {
    const u = await signUp(t.url, 'the right password');
    created.push(u.id);
    expectErrorShape(await login(u.email, 'wrong 1'), 401, 'unauthorized');
    expectErrorShape(await login(u.email, 'wrong 2'), 401, 'unauthorized');
    const third = await login(u.email, 'wrong 3');
    expectErrorShape(third, 429, 'rate_limited');
    expect(third.headers.get('retry-after')).toBe('30');
    // Locked: the password is not even checked.
    const meanwhile = await login(u.email, 'the right password');
    expectErrorShape(meanwhile, 429, 'rate_limited');
    expect(Number(meanwhile.headers.get('retry-after'))).toBeGreaterThan(20);
    await endLock(u.email);
    // One more failure after the lock: twice as long, capped at MAX.
    expect((await login(u.email, 'wrong 4')).headers.get('retry-after')).toBe('45');
    await endLock(u.email);
    const right = await login(u.email, 'the right password');
    expect(right.status).toBe(200);
    // A success resets the count.
    expectErrorShape(await login(u.email, 'wrong 5'), 401, 'unauthorized');
    expect((await login(u.email, 'the right password')).status).toBe(200);

    const metrics = await scrape(t.metricsUrl!);
    expect(sample(metrics, 'easel_login_attempts_total', { outcome: 'locked' })).toBe(1);
    expect(sample(metrics, 'easel_login_attempts_total', { outcome: 'succeeded' })).toBe(2);
  });

  it('treats an unknown email like a known one (no way to tell which accounts exist)', async () => {
    const nobody = uniqueEmail('nobody');
    expectErrorShape(await login(nobody, 'x1'), 401, 'unauthorized');
    expectErrorShape(await login(nobody, 'x2'), 401, 'unauthorized');
    expectErrorShape(await login(nobody, 'x3'), 429, 'rate_limited');
  });
});

describe('audit log', () => {
  it('records logins and API key creation and revocation, with address and request id, and audit:log prints them', async () => {
    const u = await signUp(t.url, 'audited password');
    created.push(u.id);
    expect((await login(u.email, 'not it')).status).toBe(401);
    const ok = await call<{ accessToken: string }>(t.url, 'POST', '/api/auth/login', {
      json: { email: u.email, password: 'audited password' },
      headers: { 'x-request-id': 'audit-trace-0001' },
    });
    expect(ok.status).toBe(200);
    const key = await createKey(t.url, ok.body.accessToken, 'ci');
    expect((await call(t.url, 'DELETE', `/api/keys/${key.id}`, { token: ok.body.accessToken })).status).toBe(
      204,
    );

    const events = await prisma.auditEvent.findMany({ where: { userId: u.id }, orderBy: { at: 'asc' } });
    expect(events.map((e) => e.action)).toEqual([
      'login.failed',
      'login.succeeded',
      'api_key.created',
      'api_key.revoked',
    ]);
    const succeeded = events[1];
    expect(succeeded).toMatchObject({
      actor: `user:${u.id}`,
      subject: u.email,
      requestId: 'audit-trace-0001',
    });
    expect(succeeded.ip).toBe('127.0.0.1');
    expect(events[2]).toMatchObject({ subject: key.id, details: { name: 'ci' } });
    expect(JSON.stringify(events)).not.toContain(key.key);

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--conditions=@easel/source',
        '--import',
        './tools/db/register.mjs',
        'tools/db/audit-log.ts',
        '--user',
        u.email,
      ],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, DATABASE_URL: testDatabaseUrl() } },
    );
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('api_key.revoked');
    expect(lines[3]).toContain('login.failed');
    expect(stdout).toContain('request=audit-trace-0001');
  });
});
