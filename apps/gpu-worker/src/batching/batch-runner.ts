/**
 * Groups an engine's concurrently active text-to-image jobs into UNet batches. With WORKER_BATCH = N the engine's
 * BullMQ worker holds up to N jobs at once; each compatible one (same size, steps, sampler, cfg) is submitted
 * here, and the runner, one batch at a time, takes the oldest pending job plus every compatible one up to N,
 * after waiting `gatherMs` for stragglers when fewer than N are pending.
 */
import { CanceledError, type GeneratedImage, type StableDiffusionPipeline } from '@easel/diffusion';
import { runTextToImageBatch, type BatchJob, type BatchShape } from './text-to-image-batch.js';

interface Pending {
  key: string;
  shape: BatchShape;
  job: BatchJob;
  resolve: (image: GeneratedImage) => void;
  reject: (error: unknown) => void;
}

export class BatchRunner {
  private readonly pending: Pending[] = [];
  private busy = false;
  private gathering = false;

  constructor(
    private readonly pipeline: StableDiffusionPipeline,
    private readonly modelName: string,
    private readonly maxBatch: number,
    private readonly gatherMs: number,
    private readonly onBatch: (size: number) => void,
  ) {}

  /**
   * Resolves with the job's image. A canceled job rejects with CanceledError at once; its sample stays in the
   * running batch (the others are unaffected) and is dropped.
   */
  submit(shape: BatchShape, job: BatchJob): Promise<GeneratedImage> {
    return new Promise((resolve, reject) => {
      let step = 0;
      const tracked: BatchJob = {
        ...job,
        onProgress: (s, total) => {
          step = s;
          job.onProgress(s, total);
        },
      };
      job.signal.addEventListener('abort', () => reject(new CanceledError(step)), { once: true });
      const key = `${shape.width}x${shape.height}/${shape.steps}/${shape.sampler}/${shape.cfgScale}`;
      this.pending.push({ key, shape, job: tracked, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.busy || this.gathering || this.pending.length === 0) return;
    if (this.pending.length >= this.maxBatch || this.gatherMs === 0) {
      void this.runNext();
      return;
    }
    this.gathering = true;
    setTimeout(() => {
      this.gathering = false;
      if (!this.busy) void this.runNext();
    }, this.gatherMs);
  }

  private async runNext(): Promise<void> {
    if (this.busy || this.pending.length === 0) return;
    this.busy = true;
    const { key } = this.pending[0];
    const batch: Pending[] = [];
    for (let i = 0; i < this.pending.length && batch.length < this.maxBatch;) {
      if (this.pending[i].key === key) batch.push(...this.pending.splice(i, 1));
      else i++;
    }
    try {
      this.onBatch(batch.length);
      const outcomes = await runTextToImageBatch(
        this.pipeline,
        this.modelName,
        batch[0].shape,
        batch.map((p) => p.job),
      );
      outcomes.forEach((outcome, i) =>
        'image' in outcome ? batch[i].resolve(outcome.image) : batch[i].reject(outcome.canceled),
      );
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      this.busy = false;
      this.schedule();
    }
  }
}
