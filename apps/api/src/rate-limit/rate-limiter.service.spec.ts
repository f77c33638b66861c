import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../common/domain-errors.js';
import { loadConfig } from '../config/app-config.js';
import { RateLimiterService } from './rate-limiter.service.js';

const config = loadConfig({
  DATA_DIR: '/tmp',
  JWT_SECRET: 'x'.repeat(32),
  REDIS_KEY_PREFIX: `easel-test:${randomUUID()}:`,
  RATE_LIMIT_API_KEY_MAX: '2',
  RATE_LIMIT_WINDOW_MS: '3000',
});
const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
// Nothing listens on port 1: every command fails, like Redis during an outage.
const deadRedis = new Redis({
  port: 1,
  host: '127.0.0.1',
  commandTimeout: 200,
  maxRetriesPerRequest: 0,
  lazyConnect: true,
});
deadRedis.on('error', () => undefined);

afterAll(() => {
  redis.disconnect();
  deadRedis.disconnect();
});

describe('RateLimiterService (real Redis)', () => {
  it('counts per subject in a fixed window and reports the time left in Retry-After', async () => {
    const limiter = new RateLimiterService(redis, config);
    expect(await limiter.hit('api-key', 'a')).toEqual({ limit: 2, remaining: 1 });
    expect(await limiter.hit('api-key', 'a')).toEqual({ limit: 2, remaining: 0 });
    const error = await limiter.hit('api-key', 'a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((error as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(3);
    expect(await limiter.hit('api-key', 'b')).toEqual({ limit: 2, remaining: 1 });
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    expect(await limiter.hit('api-key', 'a')).toEqual({ limit: 2, remaining: 1 });
  });

  it('never admits more than the limit across replicas, however concurrent', async () => {
    const many = loadConfig({
      DATA_DIR: '/tmp',
      JWT_SECRET: 'x'.repeat(32),
      REDIS_KEY_PREFIX: config.redis.keyPrefix,
      RATE_LIMIT_API_KEY_MAX: '500',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
    const replicas = [new RateLimiterService(redis, many), new RateLimiterService(redis, many)];
    const outcomes = await Promise.all(
      Array.from({ length: 1_200 }, (_, i) =>
        replicas[i % 2].hit('api-key', 'concurrent').then(
          () => 'ok',
          (e: unknown) => (e instanceof RateLimitedError ? 'limited' : 'error'),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(500);
    expect(outcomes.filter((o) => o === 'limited')).toHaveLength(700);
  });

  it('takes a busy subject’s hits from Redis in leases, not one round trip per request', async () => {
    const busy = loadConfig({
      DATA_DIR: '/tmp',
      JWT_SECRET: 'x'.repeat(32),
      REDIS_KEY_PREFIX: config.redis.keyPrefix,
      RATE_LIMIT_API_KEY_MAX: '1000000',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
    const counted = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    const limiter = new RateLimiterService(counted, busy);
    const reserve = (counted as unknown as Record<string, (...a: unknown[]) => unknown>).easelFixedWindow;
    let calls = 0;
    (counted as unknown as Record<string, unknown>).easelFixedWindow = (...args: unknown[]) => {
      calls++;
      return reserve.apply(counted, args);
    };
    try {
      // 64 requests in flight at a time, like the benchmark's connections.
      for (let round = 0; round < 20; round++)
        await Promise.all(Array.from({ length: 64 }, () => limiter.hit('api-key', 'busy')));
      expect(calls).toBeLessThan((64 * 20) / 10);
      const remaining = (await limiter.hit('api-key', 'busy')).remaining;
      expect(remaining).toBeLessThanOrEqual(1_000_000 - 64 * 20 - 1);
      expect(remaining).toBeGreaterThan(1_000_000 - 64 * 20 - 200);
    } finally {
      counted.disconnect();
    }
  });

  it('fails open when Redis is unreachable', async () => {
    const limiter = new RateLimiterService(deadRedis, config);
    expect(await limiter.hit('api-key', 'a')).toEqual({ limit: 2, remaining: 2 });
  });
});
