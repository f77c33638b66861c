import { Inject, Injectable } from '@nestjs/common';
import { ENGINE_REGISTRY_KEY, EngineDescriptor, EngineRegistryEntry } from '@easel/contracts';
import type { Redis } from 'ioredis';
import { NotFoundError } from '../common/domain-errors.js';
import { REDIS } from '../redis/redis.module.js';

/** Stability's wording, so v1 clients see the message they know. */
export class EngineNotFoundError extends NotFoundError {
  constructor(readonly engineId: string) {
    super(`The specified engine (ID ${engineId}) was not found.`);
  }
}

/** Registry reads are cached this long: the submit path asks on every request. */
const CACHE_MS = 1_000;

/**
 * The engines some live worker serves, read from the registry hash the workers heartbeat into
 * (ENGINE_REGISTRY_KEY, not under the API's key prefix: workers and API share it). Expired entries are dropped.
 */
@Injectable()
export class EnginesService {
  private cache: { at: number; engines: Map<string, EngineRegistryEntry> } | undefined;

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async list(): Promise<EngineDescriptor[]> {
    const engines = await this.read(false);
    return [...engines.values()].map(toDescriptor).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The engine's descriptor, or EngineNotFoundError (404). */
  async get(id: string): Promise<EngineDescriptor> {
    let entry = (await this.read(false)).get(id);
    // A worker may have started since the cached read.
    if (!entry || entry.expiresAt <= Date.now()) entry = (await this.read(true)).get(id);
    if (!entry) throw new EngineNotFoundError(id);
    return toDescriptor(entry);
  }

  private async read(fresh: boolean): Promise<Map<string, EngineRegistryEntry>> {
    const now = Date.now();
    if (!fresh && this.cache && now - this.cache.at < CACHE_MS) return this.live(this.cache.engines, now);
    const raw = await this.redis.hgetall(ENGINE_REGISTRY_KEY);
    const engines = new Map<string, EngineRegistryEntry>();
    for (const [id, text] of Object.entries(raw)) {
      const entry = parseEntry(text);
      if (entry && entry.id === id) engines.set(id, entry);
    }
    this.cache = { at: now, engines };
    return this.live(engines, now);
  }

  private live(engines: Map<string, EngineRegistryEntry>, now: number): Map<string, EngineRegistryEntry> {
    return new Map([...engines].filter(([, entry]) => entry.expiresAt > now));
  }
}

function parseEntry(text: string): EngineRegistryEntry | undefined {
  try {
    const parsed = EngineRegistryEntry.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function toDescriptor(entry: EngineRegistryEntry): EngineDescriptor {
  const { expiresAt: _expiresAt, ...descriptor } = entry;
  return descriptor;
}
