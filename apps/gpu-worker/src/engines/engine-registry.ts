/**
 * Publishes the engines this worker serves into the Redis hash ENGINE_REGISTRY_KEY (engine id → descriptor with
 * `expiresAt`), refreshed by a heartbeat so the API lists only engines some live worker serves. Several workers
 * may serve one engine: each also keeps its own expiry in a sorted set per engine, and on shutdown a worker
 * removes the hash entry only when no other live worker remains in that set.
 */
import { ENGINE_REGISTRY_KEY, type EngineDescriptor, type EngineRegistryEntry } from '@easel/contracts';
import type { Redis } from 'ioredis';

const workersKey = (engineId: string): string => `${ENGINE_REGISTRY_KEY}:workers:${engineId}`;

// KEYS: registry hash, workers zset. ARGV: engine id, worker id, entry JSON, expiresAt, now.
const PUBLISH = `
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
redis.call('PEXPIREAT', KEYS[2], ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

// KEYS: registry hash, workers zset. ARGV: engine id, worker id, now. Returns 1 when the entry was removed.
const WITHDRAW = `
redis.call('ZREM', KEYS[2], ARGV[2])
if redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[3], '+inf') > 0 then return 0 end
redis.call('DEL', KEYS[2])
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`;

export class EngineRegistry {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly workerId: string,
    private readonly descriptors: readonly EngineDescriptor[],
    private readonly ttlMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Publishes now, then on every heartbeat until stop(). */
  async start(heartbeatMs: number): Promise<void> {
    await this.publish();
    this.timer = setInterval(() => {
      this.publish().catch(this.onError);
    }, heartbeatMs);
    this.timer.unref();
  }

  async publish(): Promise<void> {
    const now = Date.now();
    const expiresAt = now + this.ttlMs;
    for (const descriptor of this.descriptors) {
      const entry: EngineRegistryEntry = { ...descriptor, expiresAt };
      await this.redis.eval(
        PUBLISH,
        2,
        ENGINE_REGISTRY_KEY,
        workersKey(descriptor.id),
        descriptor.id,
        this.workerId,
        JSON.stringify(entry),
        expiresAt,
        now,
      );
    }
  }

  /** Stops the heartbeat and withdraws this worker; entries other live workers serve stay. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const now = Date.now();
    for (const { id } of this.descriptors) {
      await this.redis.eval(WITHDRAW, 2, ENGINE_REGISTRY_KEY, workersKey(id), id, this.workerId, now);
    }
  }
}
