/**
 * Runs one generation job: validate the payload (the worker ships separately, so types alone prove nothing),
 * skip it if canceled, fetch its input images, run the pipeline with progress and cancellation, upload the images
 * under the payload's output prefix and return the GenerationJobResult.
 */
import {
  GenerationJobPayload,
  type GenerationJobProgress,
  type GenerationJobResult,
  type JobArtifact,
} from '@easel/contracts';
import { checkSize, InvalidRequestError, resolveSampler, type GenerationResult } from '@easel/diffusion';
import type { ObjectStore } from '@easel/storage';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BatchRunner } from '../batching/batch-runner.js';
import type { LoadedEngine } from '../engines/engine-loader.js';
import type { WorkerMetrics } from '../health/worker-metrics.js';
import type { CancelListener } from './cancel-listener.js';
import { classifyError, EngineUnavailable, JobCanceled } from './job-errors.js';
import { ProgressReporter } from './progress-reporter.js';
import { InvalidPayloadError, toGenerationRequest, type InputImages } from './to-generation-request.js';

export type GenerationJob = Job<unknown, GenerationJobResult>;

export interface ProcessorDeps {
  engines: ReadonlyMap<string, LoadedEngine>;
  /** Engine id → its batch runner, when WORKER_BATCH > 1. */
  batchers: ReadonlyMap<string, BatchRunner>;
  store: ObjectStore;
  cancels: CancelListener;
  metrics: WorkerMetrics;
  workerId: string;
  log: Logger;
}

export class GenerationProcessor {
  constructor(private readonly deps: ProcessorDeps) {}

  /** The BullMQ processor of one engine's queue; throws the classified error so BullMQ retries only what a
   * retry can fix. */
  forEngine(engineId: string): (job: GenerationJob) => Promise<GenerationJobResult> {
    return (job) => this.process(engineId, job);
  }

  private async process(engineId: string, job: GenerationJob): Promise<GenerationJobResult> {
    const { metrics } = this.deps;
    // Every line about this job carries the request id of the HTTP request that created it.
    const requestId = (job.data as { requestId?: unknown } | null)?.requestId;
    const log = typeof requestId === 'string' ? this.deps.log.child({ reqId: requestId }) : this.deps.log;
    metrics.jobStarted(engineId, job.timestamp);
    try {
      return await this.run(engineId, job, log);
    } catch (error) {
      const { code, error: thrown } = classifyError(error);
      metrics.failedJob(engineId, code);
      log.warn({ jobId: job.id, attempt: job.attemptsMade + 1, code, err: error }, 'generation failed');
      throw thrown;
    } finally {
      metrics.jobFinished();
    }
  }

  private async run(engineId: string, job: GenerationJob, log: Logger): Promise<GenerationJobResult> {
    const { engines, cancels, metrics } = this.deps;
    const parsed = GenerationJobPayload.safeParse(job.data);
    if (!parsed.success) throw new InvalidPayloadError(z.prettifyError(parsed.error));
    const payload = parsed.data;
    if (job.id !== payload.generationId)
      throw new InvalidPayloadError('the job id must be the generation id');
    const engine = engines.get(payload.engine);
    if (!engine || payload.engine !== engineId)
      throw new EngineUnavailable(`engine ${payload.engine} is not served by the queue of ${engineId}`);

    const id = payload.generationId;
    const controller = cancels.track(id);
    // A cancel mark set before the job started is read while the job starts (one Redis round trip off the
    // critical path): a hit aborts the pipeline at its next step, and a job that is already done is not reported.
    const canceledBefore = cancels.isCanceled(id).then((canceled) => {
      if (canceled) controller.abort();
      return canceled;
    });
    canceledBefore.catch(() => undefined); // awaited below unless the job fails first
    try {
      const startedAt = new Date().toISOString();
      const images = await this.fetchInputs(payload);
      const request = toGenerationRequest(payload, images);
      const progress = new ProgressReporter(
        (p: GenerationJobProgress) => job.updateProgress(p),
        startedAt,
        (error) => log.warn({ jobId: id, err: error }, 'progress update failed'),
      );
      log.info(
        { jobId: id, engine: payload.engine, mode: payload.mode, attempt: job.attemptsMade + 1 },
        'generation started',
      );
      const t0 = performance.now();
      let result: Pick<GenerationResult, 'images' | 'animation'>;
      const batcher = this.deps.batchers.get(engineId);
      try {
        if (batcher && batchable(payload)) {
          checkBatchable(engine, payload);
          const { width, height, steps, sampler, cfgScale } = payload;
          const image = await batcher.submit(
            { width, height, steps, sampler, cfgScale },
            {
              prompt: payload.prompt,
              negativePrompt: payload.negativePrompt ?? '',
              seed: payload.seed,
              signal: controller.signal,
              onProgress: (step, totalSteps) =>
                progress.onProgress({ step, totalSteps, elapsedMs: performance.now() - t0 }),
            },
          );
          result = { images: [image] };
        } else {
          result = await engine.pipeline.run(request, {
            onProgress: progress.onProgress,
            signal: controller.signal,
          });
        }
      } finally {
        await progress.flush();
      }
      const pipelineMs = performance.now() - t0;
      if (await canceledBefore) throw new JobCanceled('generation was canceled before it started');
      const uploadStart = performance.now();
      const uploaded = await this.upload(payload, result);
      const uploadMs = performance.now() - uploadStart;
      metrics.completedJob(engineId, {
        images: result.images.length,
        steps: progress.steps,
        pipelineSeconds: pipelineMs / 1000,
        uploadSeconds: uploadMs / 1000,
      });
      log.info(
        {
          jobId: id,
          pipelineMs: Math.round(pipelineMs),
          uploadMs: Math.round(uploadMs),
          images: result.images.length,
        },
        'generation succeeded',
      );
      return {
        version: 1,
        generationId: id,
        ...uploaded,
        workerId: this.deps.workerId,
        pipelineMs,
        startedAt,
        finishedAt: new Date().toISOString(),
      };
    } finally {
      cancels.untrack(id, controller);
    }
  }

  private async fetchInputs(payload: GenerationJobPayload): Promise<InputImages> {
    const fetch = async (key: string | undefined, field: string): Promise<Uint8Array | undefined> => {
      if (key === undefined) return undefined;
      const object = await this.deps.store.get(key);
      if (!object) throw new InvalidPayloadError(`${field} ${key} does not exist in storage`);
      return new Uint8Array(object.bytes.buffer, object.bytes.byteOffset, object.bytes.byteLength);
    };
    const [init, mask] = await Promise.all([
      fetch(payload.initImageKey, 'initImageKey'),
      fetch(payload.maskImageKey, 'maskImageKey'),
    ]);
    return { init, mask };
  }

  private async upload(
    payload: GenerationJobPayload,
    result: Pick<GenerationResult, 'images' | 'animation'>,
  ): Promise<Pick<GenerationJobResult, 'artifacts' | 'animation'>> {
    const { store } = this.deps;
    const artifacts = await Promise.all(
      result.images.map(async (image, index): Promise<JobArtifact> => {
        const key = `${payload.outputPrefix}${index}.png`;
        await store.put(key, image.png, { contentType: 'image/png', metadata: { seed: String(image.seed) } });
        return {
          index,
          seed: image.seed,
          width: image.width,
          height: image.height,
          finishReason: image.finishReason,
          key,
          contentType: 'image/png',
          bytes: image.png.byteLength,
        };
      }),
    );
    if (!result.animation) return { artifacts };
    const key = `${payload.outputPrefix}animation.webp`;
    const { webp, width, height } = result.animation;
    await store.put(key, webp, { contentType: 'image/webp' });
    const animation: JobArtifact = {
      index: 0,
      seed: payload.seed,
      width,
      height,
      finishReason: 'SUCCESS',
      key,
      contentType: 'image/webp',
      bytes: webp.byteLength,
    };
    return { artifacts, animation };
  }
}

/** Jobs a batch can take: one text-to-image sample without previews; the rest run through pipeline.run. */
function batchable(p: GenerationJobPayload): boolean {
  return p.mode === 'text-to-image' && p.samples === 1 && !p.preview;
}

/** The checks pipeline.run would make on these fields, so a batched job fails as it would alone. */
function checkBatchable({ pipeline }: LoadedEngine, p: GenerationJobPayload): void {
  const { limits } = pipeline;
  checkSize(p.width, p.height, limits, pipeline.model.vaeScaleFactor);
  if (p.steps > limits.maxSteps) throw new InvalidRequestError('steps', `must be at most ${limits.maxSteps}`);
  if (p.cfgScale < 0 || p.cfgScale > 35)
    throw new InvalidRequestError('cfg_scale', 'must be between 0 and 35');
  resolveSampler(p.sampler);
}
