import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  GENERATION_JOB,
  GENERATION_JOB_OPTIONS,
  generationQueueName,
  type GenerationJobPayload,
  type GenerationJobResult,
} from '@easel/contracts';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

export type GenerationQueue = Queue<GenerationJobPayload, GenerationJobResult>;

/** How long an enqueue may take before Redis counts as down (the request then fails with 503). */
export const ENQUEUE_TIMEOUT_MS = 3_000;

export class EnqueueTimeoutError extends Error {
  override readonly name = 'EnqueueTimeoutError';
}

/**
 * One BullMQ queue per engine (generationQueueName), created on first use, all on one command connection that
 * fails fast when Redis is away instead of queueing commands; QueueEvents (blocking reads) get their own.
 */
@Injectable()
export class GenerationQueues implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queues = new Map<string, GenerationQueue>();
  private readonly events = new Map<string, QueueEvents>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = new Redis(config.redis.url, {
      connectionName: 'easel-api-queue',
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    this.connection.on('error', () => undefined); // reconnects by itself; failures surface per command
  }

  get prefix(): string {
    return this.config.queue.prefix;
  }

  queue(engineId: string): GenerationQueue {
    let queue = this.queues.get(engineId);
    if (!queue) {
      queue = new Queue<GenerationJobPayload, GenerationJobResult>(generationQueueName(engineId), {
        connection: this.connection,
        prefix: this.prefix,
      });
      queue.on('error', () => undefined);
      this.queues.set(engineId, queue);
    }
    return queue;
  }

  /** Adds the job with jobId = generation id (idempotent); rejects within ENQUEUE_TIMEOUT_MS. */
  async enqueue(payload: GenerationJobPayload): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new EnqueueTimeoutError('enqueue timed out')), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([
        this.queue(payload.engine).add(GENERATION_JOB, payload, {
          ...GENERATION_JOB_OPTIONS,
          attempts: this.config.queue.attempts,
          jobId: payload.generationId,
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The engine's QueueEvents, created (and `onCreate` called) on first use. */
  queueEvents(engineId: string, onCreate: (events: QueueEvents) => void): QueueEvents {
    let events = this.events.get(engineId);
    if (!events) {
      events = new QueueEvents(generationQueueName(engineId), {
        connection: { url: this.config.redis.url, maxRetriesPerRequest: null },
        prefix: this.prefix,
      });
      events.on('error', () => undefined);
      this.events.set(engineId, events);
      onCreate(events);
    }
    return events;
  }

  knownEngines(): string[] {
    return [...this.queues.keys()];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.events.values()].map((e) => e.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await this.connection.quit().catch(() => undefined);
  }
}
