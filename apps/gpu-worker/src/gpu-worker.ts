/**
 * The worker process's parts wired together: engines (pipelines, warm), one BullMQ Worker per engine queue,
 * the cancel listener, the engine registry heartbeat, the health/metrics server, and an orderly shutdown.
 */
import { generationQueueName, type GenerationJobResult } from '@easel/contracts';
import { createObjectStore, type ObjectStore } from '@easel/storage';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { WorkerConfig } from './config.js';
import { BatchRunner } from './batching/batch-runner.js';
import { loadEngine, type LoadedEngine } from './engines/engine-loader.js';
import { EngineRegistry } from './engines/engine-registry.js';
import { HealthServer } from './health/health-server.js';
import { WorkerMetrics } from './health/worker-metrics.js';
import { CancelListener } from './jobs/cancel-listener.js';
import { GenerationProcessor } from './jobs/generation-processor.js';

export class GpuWorker {
  private readonly metrics: WorkerMetrics;
  private readonly engines = new Map<string, LoadedEngine>();
  private readonly workers: Worker<unknown, GenerationJobResult>[] = [];
  private readonly commands: Redis;
  /** BullMQ's connection: it needs maxRetriesPerRequest null for its blocking commands. */
  private readonly queueConnection: Redis;
  private readonly cancels: CancelListener;
  private readonly store: ObjectStore;
  private readonly health: HealthServer;
  private registry: EngineRegistry | undefined;
  private accepting = false;
  private stopping: Promise<{ timedOut: boolean }> | undefined;
  healthPort = 0;

  constructor(
    private readonly config: WorkerConfig,
    private readonly log: Logger,
  ) {
    this.metrics = new WorkerMetrics(config.workerId);
    this.commands = new Redis(config.redisUrl, { lazyConnect: true });
    this.queueConnection = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    const subscriber = this.commands.duplicate();
    for (const [name, connection] of Object.entries({
      commands: this.commands,
      queue: this.queueConnection,
      subscriber,
    }))
      connection.on('error', (err: Error) => log.warn({ err, connection: name }, 'redis connection error'));
    this.cancels = new CancelListener(subscriber, this.commands);
    this.store = createObjectStore(config.storage);
    this.health = new HealthServer({
      accepting: () => this.accepting,
      pingRedis: async () => (await this.commands.ping()) === 'PONG',
      metrics: () => this.metrics.render(),
      metricsToken: config.metricsToken,
    });
  }

  /** Loads every engine, then starts taking jobs and announces the engines. */
  async start(): Promise<void> {
    const { config, log } = this;
    this.healthPort = await this.health.listen(config.health.host, config.health.port);
    log.info({ port: this.healthPort }, 'health endpoint listening');
    await Promise.all([this.commands.connect(), this.queueConnection.connect()]);
    for (const [id, dir] of Object.entries(config.engines)) {
      const t0 = performance.now();
      const engine = await loadEngine(id, dir, {
        executionProviders: config.executionProviders,
        fallbackToCpu: config.fallbackToCpu,
        providerOptions: config.providerOptions,
        intraOpNumThreads: config.intraOpNumThreads,
        interOpNumThreads: config.interOpNumThreads,
        ...config.session,
        log: (line) => log.info({ engine: id }, line),
      });
      if (this.stopping) {
        await engine.pipeline.release(); // a signal arrived while loading: stop here
        return;
      }
      this.engines.set(id, engine);
      if (config.warmup !== 'off') await warmUp(engine, config.warmup);
      log.info(
        { engine: id, dir, ms: Math.round(performance.now() - t0), warmup: config.warmup },
        'engine loaded',
      );
    }
    if (this.stopping) return;
    await this.cancels.start();

    const batchers = new Map<string, BatchRunner>();
    if (config.batch > 1) {
      for (const [id, { pipeline, modelName }] of this.engines) {
        const onBatch = (size: number): void => this.metrics.unetBatch(id, size);
        batchers.set(id, new BatchRunner(pipeline, modelName, config.batch, config.batchWaitMs, onBatch));
      }
    }
    const processor = new GenerationProcessor({
      engines: this.engines,
      batchers,
      store: this.store,
      cancels: this.cancels,
      metrics: this.metrics,
      workerId: config.workerId,
      log,
    });
    for (const id of this.engines.keys()) {
      const worker = new Worker<unknown, GenerationJobResult>(
        generationQueueName(id),
        processor.forEngine(id),
        {
          connection: this.queueConnection,
          prefix: config.queuePrefix,
          // A batch needs its jobs active together: the worker holds up to WORKER_BATCH of them.
          concurrency: Math.max(config.concurrency, config.batch),
          lockDuration: config.lockDurationMs,
          stalledInterval: config.stalledIntervalMs,
          maxStalledCount: config.maxStalledCount,
          name: config.workerId,
        },
      );
      worker.on('error', (err) => log.error({ err, engine: id }, 'queue worker error'));
      worker.on('stalled', (jobId) => log.warn({ jobId, engine: id }, 'stalled job returned to the queue'));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));

    this.registry = new EngineRegistry(
      this.commands,
      config.workerId,
      [...this.engines.values()].map((e) => ({
        descriptor: e.descriptor,
        executionProviders: e.pipeline.model.executionProviders,
      })),
      config.registryTtlMs,
      (err) => log.error({ err }, 'engine registry heartbeat failed'),
    );
    await this.registry.start(config.registryHeartbeatMs);
    this.accepting = true;
    log.info({ engines: [...this.engines.keys()] }, 'worker ready');
  }

  /**
   * Takes no new jobs, withdraws the engines, waits for running jobs up to `timeoutMs`, then releases everything.
   * A job still running at the bound is left to BullMQ: its lock expires and another worker takes it over.
   */
  shutdown(timeoutMs: number): Promise<{ timedOut: boolean }> {
    this.stopping ??= this.stop(timeoutMs);
    return this.stopping;
  }

  private async stop(timeoutMs: number): Promise<{ timedOut: boolean }> {
    const { log } = this;
    this.accepting = false;
    log.info({ busy: this.metrics.busyJobs, timeoutMs }, 'shutting down: taking no new jobs');
    await this.registry
      ?.stop()
      .catch((err: unknown) => log.error({ err }, 'engine registry withdraw failed'));
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
    );
    const closed = Promise.all(this.workers.map((w) => w.close())).then(() => 'closed' as const);
    const outcome = await Promise.race([closed, bound]);
    clearTimeout(timer);
    const timedOut = outcome === 'timeout';
    if (timedOut) {
      log.warn(
        { busy: this.metrics.busyJobs },
        'shutdown bound reached with jobs running; they will be retried',
      );
    } else {
      // Sessions are released only when no run uses them.
      await Promise.all([...this.engines.values()].map((e) => e.pipeline.release()));
    }
    await this.cancels.stop();
    await this.store.close().catch(() => undefined);
    await this.health.close();
    this.commands.disconnect();
    this.queueConnection.disconnect();
    log.info({ timedOut }, 'worker stopped');
    return { timedOut };
  }
}

/**
 * One guided step before taking jobs: execution providers allocate their buffers (and CUDA picks its kernels) on
 * the first run of a shape, so the first user job does not pay for it. `light` runs it at the smallest size:
 * every weight is read and every kernel set up, at a fraction of a native-size step's cost (on CPU, where kernel
 * choice does not depend on the shape, that is all a warm-up buys).
 */
async function warmUp({ pipeline, descriptor }: LoadedEngine, mode: 'full' | 'light'): Promise<void> {
  const smallest = Math.max(descriptor.minSize, descriptor.sizeMultiple);
  await pipeline.run({
    prompt: 'warm-up',
    width: mode === 'full' ? descriptor.nativeWidth : smallest,
    height: mode === 'full' ? descriptor.nativeHeight : smallest,
    steps: 1,
    cfgScale: descriptor.defaultCfgScale > 1 ? descriptor.defaultCfgScale : 7,
    seed: 0,
  });
}
