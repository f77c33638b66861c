import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { RateLimitedError } from '../common/domain-errors.js';
import { ApiMetrics } from '../observability/api-metrics.js';
import { REDIS } from '../redis/redis.module.js';
import { RateLimitLeases } from './rate-limit-leases.js';

// Fixed window: add ARGV[2] hits (a lease), and start the window's clock on its first hit. Atomic in Redis, so the
// count holds across replicas.
const FIXED_WINDOW = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

type FixedWindowRedis = Redis & {
  easelFixedWindow(key: string, windowMs: number, hits: number): Promise<[number, number]>;
};

export interface RateLimitState {
  limit: number;
  remaining: number;
}

export type RateLimitBucket = 'api-key' | 'auth-ip';

/**
 * Fixed-window limits in Redis, shared by every replica. A busy subject takes its hits from Redis in leases
 * (RateLimitLeases), so it costs one Redis call per lease instead of one per request; a quiet one, or one near its
 * limit, is counted one hit at a time as before. Never admits more than the limit across replicas.
 */
@Injectable()
export class RateLimiterService {
  private readonly redis: FixedWindowRedis;
  private readonly logger = new Logger(RateLimiterService.name);
  private readonly leases: RateLimitLeases;
  private lastFailureLog = 0;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly metrics?: ApiMetrics,
  ) {
    if (!('easelFixedWindow' in redis))
      redis.defineCommand('easelFixedWindow', { numberOfKeys: 1, lua: FIXED_WINDOW });
    this.redis = redis as FixedWindowRedis;
    this.leases = new RateLimitLeases((key, hits) =>
      this.redis.easelFixedWindow(key, this.config.rateLimit.windowMs, hits),
    );
  }

  /** Counts one hit for `subject` in `bucket`; throws RateLimitedError (429 + Retry-After) past the limit. */
  async hit(bucket: RateLimitBucket, subject: string): Promise<RateLimitState> {
    const { apiKeyMax, authIpMax } = this.config.rateLimit;
    const limit = bucket === 'api-key' ? apiKeyMax : authIpMax;
    const key = `${this.config.redis.keyPrefix}rl:${bucket}:${subject}`;
    let taken;
    try {
      taken = await this.leases.take(key, limit);
    } catch (error) {
      // Fail open: a Redis outage must not take the API down with it (/health/ready reports it).
      this.logFailure(error);
      return { limit, remaining: limit };
    }
    if (taken.retryAfterMs !== undefined) {
      this.metrics?.limited(bucket);
      throw new RateLimitedError(Math.max(1, Math.ceil(taken.retryAfterMs / 1000)));
    }
    return { limit, remaining: taken.remaining };
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
