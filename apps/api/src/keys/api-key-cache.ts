import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { REDIS, REDIS_SUBSCRIBER } from '../redis/redis.module.js';

export interface CachedApiKey {
  id: string;
  userId: string;
}

interface Entry extends CachedApiKey {
  hash: string;
  expiresAt: number;
}

const MAX_ENTRIES = 50_000;

/**
 * A short-lived in-process cache of API-key lookups (key hash → owner), so the hot path skips the database.
 * Revocation evicts here at once and on every other replica through Redis pub/sub; ids revoked recently are
 * remembered for one TTL so that a lookup racing the revocation cannot re-insert the key.
 */
@Injectable()
export class ApiKeyCache implements OnModuleInit {
  private readonly byHash = new Map<string, Entry>();
  private readonly hashById = new Map<string, string>();
  private readonly recentlyRevoked = new Map<string, number>();
  private readonly channel: string;
  private readonly ttlMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
    private readonly logger: PinoLogger,
  ) {
    this.channel = `${config.redis.keyPrefix}api-key-revoked`;
    this.ttlMs = config.apiKeyCacheTtlMs;
    logger.setContext(ApiKeyCache.name);
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', (channel: string, id: string) => {
      if (channel === this.channel) this.evict(id);
    });
    await this.subscriber.subscribe(this.channel);
  }

  get(hash: string): CachedApiKey | undefined {
    const entry = this.byHash.get(hash);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry;
    this.drop(entry);
    return undefined;
  }

  set(hash: string, key: CachedApiKey): void {
    if (this.ttlMs === 0) return;
    const now = Date.now();
    const revokedUntil = this.recentlyRevoked.get(key.id);
    if (revokedUntil !== undefined && revokedUntil > now) return;
    if (this.byHash.size >= MAX_ENTRIES) {
      this.byHash.clear();
      this.hashById.clear();
    }
    this.byHash.set(hash, { ...key, hash, expiresAt: now + this.ttlMs });
    this.hashById.set(key.id, hash);
  }

  /** Evicts locally at once, then tells the other replicas. */
  async revoked(id: string): Promise<void> {
    this.evict(id);
    try {
      await this.redis.publish(this.channel, id);
    } catch (error) {
      // Other replicas still drop the key when their entry expires (one TTL at most).
      this.logger.error({ err: error, apiKeyId: id }, 'could not publish API key revocation');
    }
  }

  private evict(id: string): void {
    const now = Date.now();
    this.recentlyRevoked.set(id, now + this.ttlMs);
    for (const [revokedId, until] of this.recentlyRevoked)
      if (until <= now) this.recentlyRevoked.delete(revokedId);
    const hash = this.hashById.get(id);
    if (hash !== undefined) this.byHash.delete(hash);
    this.hashById.delete(id);
  }

  private drop(entry: Entry): void {
    this.byHash.delete(entry.hash);
    this.hashById.delete(entry.id);
  }
}
