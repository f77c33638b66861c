/** The worker's counters, rendered in the Prometheus text exposition format (no client library needed). */
import type { JobErrorCode } from '@easel/contracts';

const PIPELINE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300] as const;

interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

export class WorkerMetrics {
  private readonly completed = new Map<string, number>();
  private readonly failed = new Map<string, number>();
  private readonly images = new Map<string, number>();
  private readonly batches = new Map<string, number>();
  private readonly batchedJobs = new Map<string, number>();
  private readonly pipeline = new Map<string, Histogram>();
  private busy = 0;

  jobStarted(): void {
    this.busy++;
  }

  jobFinished(): void {
    this.busy--;
  }

  get busyJobs(): number {
    return this.busy;
  }

  completedJob(engine: string, images: number): void {
    increment(this.completed, label({ engine }));
    increment(this.images, label({ engine }), images);
  }

  failedJob(engine: string, code: JobErrorCode): void {
    increment(this.failed, label({ engine, code }));
  }

  /** A cross-job UNet batch of `size` jobs started (WORKER_BATCH > 1). */
  unetBatch(engine: string, size: number): void {
    increment(this.batches, label({ engine }));
    increment(this.batchedJobs, label({ engine }), size);
  }

  pipelineSeconds(engine: string, seconds: number): void {
    const key = label({ engine });
    let h = this.pipeline.get(key);
    if (!h) {
      h = { buckets: PIPELINE_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.pipeline.set(key, h);
    }
    for (const [i, bound] of PIPELINE_BUCKETS.entries()) if (seconds <= bound) h.buckets[i]++;
    h.sum += seconds;
    h.count++;
  }

  render(workerId: string): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, values: Map<string, number>): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [labels, v] of values) lines.push(`${name}{${labels}} ${v}`);
    };
    counter('easel_worker_jobs_completed_total', 'Generation jobs that succeeded.', this.completed);
    counter(
      'easel_worker_jobs_failed_total',
      'Generation job attempts that failed, by error code.',
      this.failed,
    );
    counter('easel_worker_images_total', 'Images generated.', this.images);
    counter(
      'easel_worker_unet_batches_total',
      'Cross-job UNet batches run (WORKER_BATCH > 1).',
      this.batches,
    );
    counter('easel_worker_unet_batch_jobs_total', 'Jobs run in cross-job UNet batches.', this.batchedJobs);
    lines.push(
      '# HELP easel_worker_pipeline_seconds Time in the diffusion pipeline per job.',
      '# TYPE easel_worker_pipeline_seconds histogram',
    );
    for (const [labels, h] of this.pipeline) {
      for (const [i, bound] of PIPELINE_BUCKETS.entries())
        lines.push(`easel_worker_pipeline_seconds_bucket{${labels},le="${bound}"} ${h.buckets[i]}`);
      lines.push(`easel_worker_pipeline_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      lines.push(`easel_worker_pipeline_seconds_sum{${labels}} ${h.sum}`);
      lines.push(`easel_worker_pipeline_seconds_count{${labels}} ${h.count}`);
    }
    lines.push(
      '# HELP easel_worker_busy Jobs this worker is running now.',
      '# TYPE easel_worker_busy gauge',
      `easel_worker_busy{${label({ worker: workerId })}} ${this.busy}`,
    );
    return `${lines.join('\n')}\n`;
  }
}

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function label(values: Record<string, string>): string {
  const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return Object.entries(values)
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(',');
}
