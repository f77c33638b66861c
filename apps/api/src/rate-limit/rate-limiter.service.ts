import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { RateLimitedError } from '../common/domain-errors.js';
import { ApiMetrics } from '../observability/api-metrics.js';
import { REDIS } from '../redis/redis.module.js';

// Fixed window: INCR, and start the window's clock on its first hit. Atomic in Redis, so it holds across replicas.
const FIXED_WINDOW = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

type FixedWindowRedis = Redis & {
  easelFixedWindow(key: string, windowMs: number): Promise<[number, number]>;
};

export interface RateLimitState {
  limit: number;
  remaining: number;
}

export type RateLimitBucket = 'api-key' | 'auth-ip';

@Injectable()
export class RateLimiterService {
  private readonly redis: FixedWindowRedis;
  private readonly logger = new Logger(RateLimiterService.name);
  private lastFailureLog = 0;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly metrics?: ApiMetrics,
  ) {
    if (!('easelFixedWindow' in redis))
      redis.defineCommand('easelFixedWindow', { numberOfKeys: 1, lua: FIXED_WINDOW });
    this.redis = redis as FixedWindowRedis;
  }

  /** Counts one hit for `subject` in `bucket`; throws RateLimitedError (429 + Retry-After) past the limit. */
  async hit(bucket: RateLimitBucket, subject: string): Promise<RateLimitState> {
    const { windowMs, apiKeyMax, authIpMax } = this.config.rateLimit;
    const limit = bucket === 'api-key' ? apiKeyMax : authIpMax;
    const key = `${this.config.redis.keyPrefix}rl:${bucket}:${subject}`;
    let count: number;
    let ttlMs: number;
    try {
      [count, ttlMs] = await this.redis.easelFixedWindow(key, windowMs);
    } catch (error) {
      // Fail open: a Redis outage must not take the API down with it (/health/ready reports it).
      this.logFailure(error);
      return { limit, remaining: limit };
    }
    if (count > limit) {
      this.metrics?.limited(bucket);
      throw new RateLimitedError(Math.max(1, Math.ceil(ttlMs / 1000)));
    }
    return { limit, remaining: limit - count };
  }

  private logFailure(error: unknown): void {
    const now = Date.now();
    if (now - this.lastFailureLog < 10_000) return;
    this.lastFailureLog = now;
    this.logger.error(
      `rate limiting skipped, Redis failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
