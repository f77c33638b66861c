import { Inject, Injectable } from '@nestjs/common';
import {
  ENGINE_REGISTRY_KEY,
  EngineDescriptor,
  EngineRegistryEntry,
  engineWorkersKey,
  EngineWorkerEntry,
  type EngineWorker,
} from '@easel/contracts';
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

  /** Every live engine with the live workers serving it and the execution providers each runs. */
  async list(): Promise<EngineDescriptor[]> {
    const engines = [...(await this.read(false)).values()].sort((a, b) => a.id.localeCompare(b.id));
    const workers = await this.workers(engines.map((e) => e.id));
    return engines.map((entry, i) => ({ ...toDescriptor(entry), workers: workers[i] }));
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

  private async workers(ids: readonly string[]): Promise<EngineWorker[][]> {
    if (ids.length === 0) return [];
    const replies = await this.redis.pipeline(ids.map((id) => ['hgetall', engineWorkersKey(id)])).exec();
    const now = Date.now();
    return (replies ?? []).map(([error, raw]) => {
      if (error || !raw) return [];
      const live: EngineWorker[] = [];
      for (const text of Object.values(raw as Record<string, string>)) {
        const entry = parseJson(text, EngineWorkerEntry);
        if (entry && entry.expiresAt > now) live.push({ executionProviders: entry.executionProviders });
      }
      return live.sort((a, b) => a.executionProviders.join().localeCompare(b.executionProviders.join()));
    });
  }

  private live(engines: Map<string, EngineRegistryEntry>, now: number): Map<string, EngineRegistryEntry> {
    return new Map([...engines].filter(([, entry]) => entry.expiresAt > now));
  }
}

function parseEntry(text: string): EngineRegistryEntry | undefined {
  return parseJson(text, EngineRegistryEntry);
}

function parseJson<T>(
  text: string,
  schema: { safeParse(v: unknown): { success: boolean; data?: T } },
): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function toDescriptor(entry: EngineRegistryEntry): EngineDescriptor {
  const { expiresAt: _expiresAt, workers: _workers, ...descriptor } = entry;
  return descriptor;
}
