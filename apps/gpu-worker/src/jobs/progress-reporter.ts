import type { GenerationJobProgress } from '@easel/contracts';
import type { ProgressEvent } from '@easel/diffusion';

/** Minimum gap between progress updates, so a fast model does not flood Redis and the API's event stream. */
export const PROGRESS_INTERVAL_MS = 200;

/**
 * Turns the pipeline's per-step events into job progress: at most one update per PROGRESS_INTERVAL_MS, always the
 * last step, and every event that carries a preview. Updates are sent in order, without blocking the loop.
 */
export class ProgressReporter {
  private lastSent = -Infinity;
  /** Pipeline steps seen (every event, sent or not): the job's steps/s. */
  steps = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (progress: GenerationJobProgress) => Promise<void>,
    private readonly startedAt: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  readonly onProgress = (event: ProgressEvent): void => {
    this.steps++;
    const now = performance.now();
    const last = event.step >= event.totalSteps;
    if (!last && !event.preview && now - this.lastSent < PROGRESS_INTERVAL_MS) return;
    this.lastSent = now;
    const progress: GenerationJobProgress = {
      step: event.step,
      total: event.totalSteps,
      startedAt: this.startedAt,
      ...(event.preview && { preview: Buffer.from(event.preview.png).toString('base64') }),
    };
    this.chain = this.chain.then(() => this.send(progress)).catch(this.onError);
  };

  /** Resolves when every update sent so far has reached Redis. */
  flush(): Promise<void> {
    return this.chain;
  }
}
