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

  it('fails open when Redis is unreachable', async () => {
    const limiter = new RateLimiterService(deadRedis, config);
    expect(await limiter.hit('api-key', 'a')).toEqual({ limit: 2, remaining: 2 });
  });
});
