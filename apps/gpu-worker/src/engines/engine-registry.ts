/**
 * Publishes the engines this worker serves into the Redis hash ENGINE_REGISTRY_KEY (engine id → descriptor with
 * `expiresAt`), refreshed by a heartbeat so the API lists only engines some live worker serves. Several workers
 * may serve one engine: each also keeps its own expiry in a sorted set per engine, and on shutdown a worker
 * removes the hash entry only when no other live worker remains in that set. Each worker also writes the execution
 * providers it runs into a per-engine hash (engineWorkersKey) that the engine listing shows.
 */
import {
  ENGINE_REGISTRY_KEY,
  engineWorkersKey,
  type EngineDescriptor,
  type EngineRegistryEntry,
  type EngineWorkerEntry,
} from '@easel/contracts';
import type { Redis } from 'ioredis';

const workersKey = (engineId: string): string => `${ENGINE_REGISTRY_KEY}:workers:${engineId}`;

// KEYS: registry hash, workers zset, runtime hash. ARGV: engine id, worker id, entry JSON, expiresAt, now,
// this worker's runtime JSON. Workers that stopped heartbeating leave the runtime hash with the zset.
const PUBLISH = `
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])) do
  redis.call('HDEL', KEYS[3], gone)
end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
redis.call('PEXPIREAT', KEYS[2], ARGV[4])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[6])
redis.call('PEXPIREAT', KEYS[3], ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

// KEYS: registry hash, workers zset, runtime hash. ARGV: engine id, worker id, now. Returns 1 when the entry was
// removed.
const WITHDRAW = `
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[2])
if redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[3], '+inf') > 0 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`;

export interface PublishedEngine {
  descriptor: EngineDescriptor;
  /** The execution providers this worker's sessions for the engine run on. */
  executionProviders: readonly string[];
}

export class EngineRegistry {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly workerId: string,
    private readonly engines: readonly PublishedEngine[],
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
    for (const { descriptor, executionProviders } of this.engines) {
      const entry: EngineRegistryEntry = { ...descriptor, expiresAt };
      const runtime: EngineWorkerEntry = { executionProviders: [...executionProviders], expiresAt };
      await this.redis.eval(
        PUBLISH,
        3,
        ENGINE_REGISTRY_KEY,
        workersKey(descriptor.id),
        engineWorkersKey(descriptor.id),
        descriptor.id,
        this.workerId,
        JSON.stringify(entry),
        expiresAt,
        now,
        JSON.stringify(runtime),
      );
    }
  }

  /** Stops the heartbeat and withdraws this worker; entries other live workers serve stay. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const now = Date.now();
    for (const { descriptor } of this.engines) {
      const id = descriptor.id;
      await this.redis.eval(
        WITHDRAW,
        3,
        ENGINE_REGISTRY_KEY,
        workersKey(id),
        engineWorkersKey(id),
        id,
        this.workerId,
        now,
      );
    }
  }
}
