// API metrics after real requests (real PostgreSQL and Redis): scraped from METRICS_PORT, never the public port.
import { randomUUID } from 'node:crypto';
import { ENGINE_REGISTRY_KEY, GENERATION_JOB, generationQueueName } from '@easel/contracts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { call, createKey, signUp, startTestApp, useTestApp } from '../support/app.js';
import { labelSets, sample, scrape } from '../support/prometheus.js';

const TOKEN = 'metrics-token-for-tests-0123456789';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const t = useTestApp({ METRICS_TOKEN: TOKEN });
const { created } = t;

describe('API metrics', () => {
  it('count requests by route pattern and status, with latency histograms', async () => {
    const u = await signUp(t.url);
    created.push(u.id);
    const { key } = await createKey(t.url, u.token);
    for (let i = 0; i < 3; i++)
      expect((await call(t.url, 'GET', '/v1/user/balance', { token: key })).status).toBe(200);
    expect((await call(t.url, 'GET', '/v1/user/balance')).status).toBe(401);
    const id = randomUUID();
    expect((await call(t.url, 'GET', `/api/generations/${id}`, { token: key })).status).toBe(404);
    expect((await call(t.url, 'GET', `/no/such/${id}`)).status).toBe(404);

    const text = await scrape(t.metricsUrl!, TOKEN);
    const count = (route: string, status: string, method = 'GET') =>
      sample(text, 'easel_http_request_duration_seconds_count', { method, route, status });
    expect(count('/v1/user/balance', '200')).toBe(3);
    expect(count('/v1/user/balance', '401')).toBe(1);
    expect(count('/api/auth/signup', '201', 'POST')).toBe(1);
    // Route patterns, never raw URLs: ids and scanners' paths make no series of their own.
    expect(count('/api/generations/:id', '404')).toBe(1);
    expect(count('unmatched', '404')).toBe(1);
    expect(text).not.toContain(id);
    const buckets = labelSets(text, 'easel_http_request_duration_seconds_bucket').filter(
      (l) => l.route === '/v1/user/balance' && l.status === '200',
    );
    expect(buckets.map((l) => l.le)).toContain('+Inf');
    expect(
      sample(text, 'easel_http_request_duration_seconds_bucket', {
        route: '/v1/user/balance',
        status: '200',
        le: '+Inf',
      }),
    ).toBe(3);
    // The sign-up grant, counted by the ledger; process metrics come along.
    expect(sample(text, 'easel_credits_total', { kind: 'grant' })).toBe(200);
    expect(sample(text, 'easel_api_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('report queue depth and the oldest waiting job per engine, read from Redis at scrape time', async () => {
    const engine = `ops-idle-${randomUUID().slice(0, 8)}`;
    const redis = new Redis(REDIS_URL);
    const queue = new Queue(generationQueueName(engine), { connection: { url: REDIS_URL } });
    try {
      // An engine whose workers are all gone (scaled to zero): its registry entry expired, its queue still fills.
      await redis.hset(ENGINE_REGISTRY_KEY, engine, JSON.stringify({ id: engine, expiresAt: 0 }));
      await queue.add(GENERATION_JOB, {}, { jobId: randomUUID() });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await queue.add(GENERATION_JOB, {}, { jobId: randomUUID() });
      const text = await scrape(t.metricsUrl!, TOKEN);
      expect(sample(text, 'easel_queue_jobs', { engine, state: 'waiting' })).toBe(2);
      expect(sample(text, 'easel_queue_jobs', { engine, state: 'active' })).toBe(0);
      const age = sample(text, 'easel_queue_oldest_job_age_seconds', { engine })!;
      expect(age).toBeGreaterThanOrEqual(1);
      expect(age).toBeLessThan(60);
    } finally {
      await redis.hdel(ENGINE_REGISTRY_KEY, engine);
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });

  it('answer only with the bearer token, and only on the metrics port', async () => {
    const port = new URL(t.metricsUrl!).port;
    const anonymous = await fetch(t.metricsUrl!);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(t.metricsUrl!, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(new URL(t.url).port).not.toBe(port);
    expect((await call(t.url, 'GET', '/metrics')).status).toBe(404);
  });

  it('can be turned off (no listener at all)', async () => {
    const off = await startTestApp({ METRICS_ENABLED: 'false' });
    try {
      expect(off.metricsUrl).toBeUndefined();
      expect((await call(off.url, 'GET', '/health/live')).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});
