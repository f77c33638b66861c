import type { LatentPreview } from '../image/index.js';
import type { GenerationMode } from './request.js';

export interface ProgressEvent {
  /** UNet steps done so far in this run (over all batches), 1-based. */
  step: number;
  totalSteps: number;
  elapsedMs: number;
  /** A cheap latent preview of the first image of the current batch, when asked for and due. */
  preview?: LatentPreview;
}

export interface RunOptions {
  onProgress?: (event: ProgressEvent) => void;
  /** Checked before every step; an aborted run rejects with CanceledError. */
  signal?: AbortSignal;
}

export type FinishReason = 'SUCCESS';

export interface GeneratedImage {
  png: Uint8Array;
  seed: number;
  finishReason: FinishReason;
  width: number;
  height: number;
}

export interface GenerationResult {
  mode: GenerationMode;
  /** One per sample; for interpolation one per frame. */
  images: GeneratedImage[];
  /** Interpolation only: all frames as one looping animated WebP. */
  animation?: { webp: Uint8Array; width: number; height: number; frames: number };
  timings: { totalMs: number; encodeOutputMs: number; unetSteps: number };
}
