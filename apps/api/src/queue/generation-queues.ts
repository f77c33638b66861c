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

/** How long a QueueEvents may take to close before its connection is cut (see closeWithin). */
const EVENTS_CLOSE_MS = 2_000;

/**
 * Closes a QueueEvents, or disconnects it when the close does not finish in `ms`: after a Redis restart its
 * blocking read can keep close() waiting for good, and with it the API's shutdown
 * (test/reliability/redis-restart.spec.ts). It only reads events, so cutting it loses nothing.
 */
export async function closeWithin(events: QueueEvents, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  const outcome = await Promise.race([events.close().then(() => 'closed' as const), bound]);
  clearTimeout(timer);
  if (outcome !== 'late') return;
  // events.disconnect() waits for an 'end' that such a client may never emit: cut the socket without waiting.
  (await events.backend.client).disconnect();
}

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
    let connections = 0;
    this.connection.on('ready', () => {
      if (++connections > 1) for (const listener of this.reconnectListeners) listener();
    });
  }

  private readonly reconnectListeners: Array<() => void> = [];

  /** Calls `listener` whenever the connection to Redis is back after a loss (Redis may have lost its data). */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
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
    await Promise.allSettled([...this.events.values()].map((e) => closeWithin(e, EVENTS_CLOSE_MS)));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await this.connection.quit().catch(() => undefined);
  }
}
