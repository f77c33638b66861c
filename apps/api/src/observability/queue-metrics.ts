import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ENGINE_REGISTRY_KEY } from '@easel/contracts';
import type { Redis } from 'ioredis';
import { GenerationQueues } from '../queue/generation-queues.js';
import { REDIS } from '../redis/redis.module.js';
import { ApiMetrics } from './api-metrics.js';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
/** A scrape must not hang on Redis: past this the previous values stay. */
const COLLECT_TIMEOUT_MS = 2_000;

/**
 * Queue depth and the oldest waiting job's age per engine, read from Redis when Prometheus scrapes. The API
 * reports them, not the workers: with workers scaled to zero (KEDA), the queue is what must still be seen.
 * Engines: those in the registry hash (live or not), those this process enqueued to, and any reported before.
 */
@Injectable()
export class QueueMetricsCollector implements OnModuleInit {
  private readonly log = new Logger(QueueMetricsCollector.name);
  private readonly seen = new Set<string>();

  constructor(
    private readonly metrics: ApiMetrics,
    private readonly queues: GenerationQueues,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    if (!this.metrics.enabled) return;
    // prom-client awaits a gauge's collect() on every scrape; this one fills both queue gauges.
    this.metrics.collectQueuesWith(() => this.collect());
  }

  async collect(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, COLLECT_TIMEOUT_MS)));
    try {
      await Promise.race([this.read(), timeout]);
    } catch (error) {
      this.log.warn(`queue metrics not read: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private async read(): Promise<void> {
    for (const id of await this.redis.hkeys(ENGINE_REGISTRY_KEY)) this.seen.add(id);
    for (const id of this.queues.knownEngines()) this.seen.add(id);
    const now = Date.now();
    await Promise.all(
      [...this.seen].map(async (engine) => {
        const queue = this.queues.queue(engine);
        const [counts, oldest] = await Promise.all([
          queue.getJobCounts(...STATES),
          queue.getJobs(['waiting'], 0, 0, true),
        ]);
        for (const state of STATES) this.metrics.queueJobs.set({ engine, state }, counts[state] ?? 0);
        const first = oldest[0];
        this.metrics.queueOldestAge.set({ engine }, first ? Math.max(0, (now - first.timestamp) / 1000) : 0);
      }),
    );
  }
}
