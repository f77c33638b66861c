import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimitedError } from '../common/domain-errors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { REDIS } from '../redis/redis.module.js';

// One failure: count it (consecutive failures are remembered for a day); from the threshold on, lock the account
// for base × 2^(failures − threshold) seconds, at most max. Atomic, so replicas share one count.
const RECORD_FAILURE = `
local failures = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local threshold = tonumber(ARGV[1])
if failures < threshold then return {failures, 0} end
local seconds = math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) * 2 ^ (failures - threshold))
redis.call('SET', KEYS[2], '1', 'EX', seconds)
return {failures, seconds}
`;
const FAILURE_MEMORY_MS = 24 * 3600 * 1000;

type LockoutRedis = Redis & {
  easelLoginFailure(
    counter: string,
    lock: string,
    threshold: number,
    base: number,
    max: number,
    memoryMs: number,
  ): Promise<[number, number]>;
};

/**
 * Per-account login lockout with exponential backoff, besides the per-IP limit: password guessing against one
 * account from many addresses stops after a few tries. Any email is counted, existing or not, so the answer
 * never tells whether an account exists. Fails open when Redis is down (the per-IP limit does too).
 */
@Injectable()
export class LoginLockout {
  private readonly redis: LockoutRedis;
  private readonly log = new Logger(LoginLockout.name);

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    if (!('easelLoginFailure' in redis))
      redis.defineCommand('easelLoginFailure', { numberOfKeys: 2, lua: RECORD_FAILURE });
    this.redis = redis as LockoutRedis;
  }

  /** Throws RateLimitedError (429, Retry-After) while the account is locked; returns the seconds otherwise. */
  async lockedFor(email: string): Promise<number> {
    try {
      const ms = await this.redis.pttl(this.keys(email).lock);
      return ms > 0 ? Math.ceil(ms / 1000) : 0;
    } catch (error) {
      this.failOpen(error);
      return 0;
    }
  }

  /** A wrong password (or unknown email): returns the lock it started, in seconds (0: none yet). */
  async failed(email: string): Promise<number> {
    const { threshold, baseSeconds, maxSeconds } = this.config.loginLockout;
    const { counter, lock } = this.keys(email);
    try {
      const [, seconds] = await this.redis.easelLoginFailure(
        counter,
        lock,
        threshold,
        baseSeconds,
        maxSeconds,
        FAILURE_MEMORY_MS,
      );
      return seconds;
    } catch (error) {
      this.failOpen(error);
      return 0;
    }
  }

  async succeeded(email: string): Promise<void> {
    const { counter, lock } = this.keys(email);
    await this.redis.del(counter, lock).catch((error: unknown) => this.failOpen(error));
  }

  static lockedError(seconds: number): RateLimitedError {
    const error = new RateLimitedError(seconds);
    error.message = `Too many failed logins for this account; try again in ${seconds} s`;
    return error;
  }

  private keys(email: string): { counter: string; lock: string } {
    // Hashed: the keys name no address in Redis.
    const id = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
    const prefix = `${this.config.redis.keyPrefix}login:${id}`;
    return { counter: `${prefix}:failures`, lock: `${prefix}:locked` };
  }

  private failOpen(error: unknown): void {
    this.log.error(
      `login lockout skipped, Redis failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
