/**
 * The worker's Prometheus metrics (prom-client, a registry per worker). Names are the contract of
 * deploy/prometheus/alerts.yaml and deploy/grafana/easel.json: change them together.
 */
import type { JobErrorCode } from '@easel/contracts';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const PIPELINE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
const UPLOAD_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What one finished job measured, for WorkerMetrics.completedJob. */
export interface JobTimings {
  images: number;
  /** Denoising steps the pipeline ran (steps × samples, or per frame for interpolation). */
  steps: number;
  pipelineSeconds: number;
  uploadSeconds: number;
}

export class WorkerMetrics {
  readonly registry = new Registry();
  private busy = 0;

  private readonly completed = new Counter({
    name: 'easel_worker_jobs_completed_total',
    help: 'Generation jobs that succeeded.',
    labelNames: ['engine'] as const,
    registers: [this.registry],
  });
  private readonly failed = new Counter({
    name: 'easel_worker_jobs_failed_total',
    help: 'Generation job attempts that failed, by error code.',
    labelNames: ['engine', 'code'] as const,
    registers: [this.registry],
  });
  private readonly images = new Counter({
    name: 'easel_worker_images_total',
    help: 'Images generated (rate() is images/s).',
    labelNames: ['engine'] as const,
    registers: [this.registry],
  });
  private readonly steps = new Counter({
    name: 'easel_worker_denoise_steps_total',
    help: 'Denoising steps run (rate() is steps/s).',
    labelNames: ['engine'] as const,
    registers: [this.registry],
  });
  private readonly stepsPerSecond = new Gauge({
    name: 'easel_worker_steps_per_second',
    help: 'Denoising steps per second of the last finished job (its pipeline time).',
    labelNames: ['engine'] as const,
    registers: [this.registry],
  });
  private readonly imagesPerSecond = new Gauge({
    name: 'easel_worker_images_per_second',
    help: 'Images per second of the last finished job (pipeline and upload).',
    labelNames: ['engine'] as const,
    registers: [this.registry],
  });
  private readonly batches = new Counter({
    name: 'easel_worker_unet_batches_total',
    help: 'Cross-job UNet batches run (WORKER_BATCH > 1).',
    labelNames: ['engine'] as const,
    registers: [this.registry],
  });
  private readonly batchedJobs = new Counter({
    name: 'easel_worker_unet_batch_jobs_total',
    help: 'Jobs run in cross-job UNet batches.',
    labelNames: ['engine'] as const,
    registers: [this.registry],
  });
  private readonly queueWait = new Histogram({
    name: 'easel_worker_queue_wait_seconds',
    help: 'From enqueue to this worker taking the job (retries: from the enqueue of the first attempt).',
    labelNames: ['engine'] as const,
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });
  private readonly pipeline = new Histogram({
    name: 'easel_worker_pipeline_seconds',
    help: 'Time in the diffusion pipeline per job.',
    labelNames: ['engine'] as const,
    buckets: PIPELINE_BUCKETS,
    registers: [this.registry],
  });
  private readonly upload = new Histogram({
    name: 'easel_worker_upload_seconds',
    help: 'Time uploading a job’s images to object storage.',
    labelNames: ['engine'] as const,
    buckets: UPLOAD_BUCKETS,
    registers: [this.registry],
  });

  constructor(workerId: string) {
    const busy: Gauge<'worker'> = new Gauge({
      name: 'easel_worker_busy',
      help: 'Jobs this worker is running now.',
      labelNames: ['worker'] as const,
      registers: [this.registry],
      collect: () => busy.set({ worker: workerId }, this.busy),
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'easel_worker_' });
  }

  jobStarted(engine: string, queuedAt: number | undefined): void {
    this.busy++;
    if (queuedAt !== undefined) this.queueWait.observe({ engine }, Math.max(0, Date.now() - queuedAt) / 1000);
  }

  jobFinished(): void {
    this.busy--;
  }

  get busyJobs(): number {
    return this.busy;
  }

  completedJob(engine: string, t: JobTimings): void {
    this.completed.inc({ engine });
    this.images.inc({ engine }, t.images);
    this.steps.inc({ engine }, t.steps);
    this.pipeline.observe({ engine }, t.pipelineSeconds);
    this.upload.observe({ engine }, t.uploadSeconds);
    if (t.pipelineSeconds > 0) this.stepsPerSecond.set({ engine }, t.steps / t.pipelineSeconds);
    const total = t.pipelineSeconds + t.uploadSeconds;
    if (total > 0) this.imagesPerSecond.set({ engine }, t.images / total);
  }

  failedJob(engine: string, code: JobErrorCode): void {
    this.failed.inc({ engine, code });
  }

  /** A cross-job UNet batch of `size` jobs started (WORKER_BATCH > 1). */
  unetBatch(engine: string, size: number): void {
    this.batches.inc({ engine });
    this.batchedJobs.inc({ engine }, size);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
