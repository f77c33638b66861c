import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { GenerationJobPayload, GenerationJobProgress, GenerationJobResult } from '@easel/contracts';
import type { QueueEvents } from 'bullmq';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PrismaService } from '../database/prisma.service.js';
import { EngineNotFoundError, EnginesService } from '../engines/engines.service.js';
import { GenerationQueues } from '../queue/generation-queues.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationSettlement, type Outcome } from './generation-settlement.js';

const SWEEP_BATCH = 200;
const MAX_TRACKED_RUNNING = 10_000;
/** A settlement queues its webhook right after commit; only older misses are the sweep's. */
const WEBHOOK_GRACE_MS = 2_000;

/** `<code>: detail` as the worker reports failures (JOB_ERROR_CODES); stalls and others become pipeline errors. */
export function failureOutcome(reason: string | undefined): Outcome {
  const text = reason ?? 'the job failed';
  const match = /^([a-z_]+): ([\s\S]*)$/.exec(text);
  const code = match?.[1] ?? 'pipeline_error';
  const message = match?.[2] ?? text;
  if (code === 'canceled') return { status: 'canceled', error: { name: 'canceled', message } };
  return { status: 'failed', error: { name: code, message } };
}

/**
 * The API-side end of the queue. Job outcomes arrive as QueueEvents (completed / failed / active / progress) on
 * every replica, and a periodic sweep re-reads unfinished generations from the database, so a missed event or an
 * API restart delays a settlement but never loses one. The sweep also reconciles: a paid generation whose job
 * never reached the queue is enqueued again (idempotent by job id) or, when that cannot be done, refunded.
 */
@Injectable()
export class GenerationFinalizer implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(GenerationFinalizer.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  /** Generations this process has already marked running (insertion order, bounded). */
  private readonly running = new Set<string>();
  private sweepCursor: { createdAt: Date; id: string } | null = null;
  /** Set when Redis is back after a loss: the next sweep looks for webhook deliveries it took with it. */
  private checkWebhooks = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly prisma: PrismaService,
    private readonly queues: GenerationQueues,
    private readonly engines: EnginesService,
    private readonly settlement: GenerationSettlement,
    private readonly events: GenerationEvents,
  ) {}

  onModuleInit(): void {
    this.queues.onReconnect(() => (this.checkWebhooks = true));
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((err: unknown) => this.log.warn({ err }, 'generation sweep failed'))
        .finally(() => (this.sweeping = undefined));
    }, this.config.generations.sweepIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Starts listening to the engine's job events (once per engine and process). */
  watch(engineId: string): void {
    this.queues.queueEvents(engineId, (events) => this.attach(engineId, events));
  }

  private attach(engineId: string, events: QueueEvents): void {
    const handle = (jobId: string) => {
      this.settleFromJob(engineId, jobId).catch((err: unknown) =>
        this.log.warn({ err, generationId: jobId }, 'settling from a job event failed'),
      );
    };
    // `completed` is final and carries the result: settle from it at once, without re-reading the job.
    events.on('completed', ({ jobId, returnvalue }) => {
      this.settlement
        .settle(jobId, successOutcome(jobId, returnvalue))
        .catch((err: unknown) =>
          this.log.warn({ err, generationId: jobId }, 'settling from a job event failed'),
        );
    });
    events.on('failed', ({ jobId }) => handle(jobId));
    events.on('active', ({ jobId }) => {
      void this.started(jobId, new Date()).catch(() => undefined);
    });
    events.on('progress', ({ jobId, data }) => {
      const parsed = GenerationJobProgress.safeParse(data);
      if (!parsed.success) return;
      const { step, total, preview, startedAt } = parsed.data;
      void this.started(jobId, new Date(startedAt)).catch(() => undefined);
      this.events.publish(jobId, { type: 'progress', step, total, ...(preview && { preview }) });
    });
  }

  private async started(id: string, at: Date): Promise<void> {
    // Progress arrives many times per job: one UPDATE per generation and process is enough.
    if (this.running.has(id)) return;
    this.running.add(id);
    if (this.running.size > MAX_TRACKED_RUNNING) this.running.delete(this.running.values().next().value!);
    const changed = await this.settlement.markRunning(id, at).catch((error: unknown) => {
      this.running.delete(id); // try again on the next event or sweep
      throw error;
    });
    if (changed) this.events.publish(id, { type: 'started', startedAt: at.toISOString() });
  }

  /**
   * Reads the job and settles the generation if the job is finished for good: completed, or failed with no
   * retry left. Safe to call any number of times.
   */
  async settleFromJob(engineId: string, id: string): Promise<boolean> {
    const queue = this.queues.queue(engineId);
    // State first, then the job: completed and failed are final, so the job read after them carries the outcome.
    // Read the other way round, a job that finished in between pairs an active job's empty result with a
    // finished state, and a canceled job settled as failed, a delivered one as an invalid result (refunded).
    const state = await queue.getJobState(id);
    if (state !== 'completed' && state !== 'failed' && state !== 'active') return false;
    const job = await queue.getJob(id);
    if (!job) return false;
    if (state === 'completed') return this.settlement.settle(id, successOutcome(id, job.returnvalue));
    if (state === 'failed') return this.settlement.settle(id, failureOutcome(job.failedReason));
    await this.started(id, new Date(job.processedOn ?? Date.now()));
    return false;
  }

  /**
   * One batch of unfinished generations older than reconcileAfterMs, oldest first, continuing after the previous
   * batch: a long queue is walked over several sweeps instead of re-reading its oldest rows every time.
   */
  async sweep(): Promise<void> {
    // Every replica listens to every live engine's events, so any replica can report any job's progress.
    for (const engine of await this.engines.list()) this.watch(engine.id);
    const after = this.sweepCursor;
    // Younger generations are the job events' business: re-reading every waiting job on each sweep would put a
    // steady queue's whole backlog through Redis every few seconds. A missed event waits this long at most.
    const youngest = new Date(Date.now() - this.config.generations.reconcileAfterMs);
    const rows = await this.prisma.generation.findMany({
      where: {
        status: { in: ['queued', 'running'] },
        createdAt: { lt: youngest },
        ...(after && {
          OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }],
        }),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: SWEEP_BATCH,
      select: { id: true, engine: true, params: true, createdAt: true },
    });
    await this.settlement.queueMissedWebhooks(WEBHOOK_GRACE_MS);
    if (this.checkWebhooks) {
      this.checkWebhooks = false;
      await this.settlement.requeueLostWebhooks().catch((error: unknown) => {
        this.checkWebhooks = true; // Redis went again: the next sweep tries again
        throw error;
      });
    }
    const last = rows.at(-1);
    this.sweepCursor =
      rows.length === SWEEP_BATCH && last ? { createdAt: last.createdAt, id: last.id } : null;
    for (const row of rows) {
      this.watch(row.engine);
      const job = await this.queues.queue(row.engine).getJob(row.id);
      if (job) {
        await this.settleFromJob(row.engine, row.id);
        continue;
      }
      const age = Date.now() - row.createdAt.getTime();
      if (age >= this.config.generations.reconcileAfterMs)
        await this.reconcile(row.id, row.engine, row.params, age);
    }
  }

  /** A paid generation with no job: enqueue it again, or refund it when the engine is gone or Redis refuses. */
  private async reconcile(id: string, engineId: string, params: unknown, ageMs: number): Promise<void> {
    const payload = GenerationJobPayload.safeParse(params);
    if (!payload.success) {
      await this.settlement.settle(id, {
        status: 'failed',
        error: { name: 'server_error', message: 'The generation could not be queued.' },
      });
      return;
    }
    try {
      await this.engines.get(engineId).catch(async (error: unknown) => {
        // A Redis that came back empty has lost the registry until the workers' next heartbeat, but not the
        // workers: ones connected to the engine's queue mean it is alive, and its generations are enqueued again.
        if (!(error instanceof EngineNotFoundError)) throw error;
        if ((await this.queues.queue(engineId).getWorkersCount()) === 0) throw error;
      });
      await this.queues.enqueue(payload.data);
      this.log.warn({ generationId: id }, 'reconciler enqueued a paid generation that had no job');
    } catch (error) {
      const giveUp =
        error instanceof EngineNotFoundError || ageMs >= 10 * this.config.generations.reconcileAfterMs;
      if (!giveUp) return;
      await this.settlement.settle(id, {
        status: 'failed',
        error: {
          name: error instanceof EngineNotFoundError ? 'engine_unavailable' : 'service_unavailable',
          message: 'The generation could not be queued; it was refunded.',
        },
      });
    }
  }
}

function successOutcome(jobId: string | undefined, returnvalue: unknown): Outcome {
  const parsed = GenerationJobResult.safeParse(returnvalue);
  if (parsed.success && parsed.data.generationId === jobId)
    return { status: 'succeeded', result: parsed.data };
  return {
    status: 'failed',
    error: { name: 'server_error', message: 'The worker returned an invalid result.' },
  };
}
