import { z } from 'zod';

import { FinishReason, InterpolationSettings, MaskSource, OutpaintMargins } from './generations.js';
import { EngineDescriptor, GenerationMode, Sampler } from './engines.js';

/** The one BullMQ queue of generation work. The generation id is the job id, so enqueueing is idempotent. */
export const GENERATION_QUEUE = 'generation';
export const GENERATION_JOB = 'generate';

/**
 * BullMQ queue of one engine's jobs: a worker consumes only the queues of the engines it has loaded, so a job
 * never reaches a worker that cannot run it. BullMQ forbids ':' in queue names, hence the dot.
 */
export function generationQueueName(engineId: string): string {
  return `${GENERATION_QUEUE}.${engineId}`;
}

/** Options every generation job is added with. */
export const GENERATION_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** Redis hash: engine id → JSON EngineDescriptor with `expiresAt`; workers refresh it while they run. */
export const ENGINE_REGISTRY_KEY = 'easel:engines';
/** A value in ENGINE_REGISTRY_KEY. `expiresAt` (epoch ms) is pushed forward by every serving worker's heartbeat;
 * an entry past it has no live worker and must not be listed. */
export const EngineRegistryEntry = EngineDescriptor.extend({ expiresAt: z.number().int() });
export type EngineRegistryEntry = z.infer<typeof EngineRegistryEntry>;
/** Hash per engine: worker id → EngineWorkerEntry, refreshed by that worker's heartbeat. */
export const engineWorkersKey = (engineId: string): string => `${ENGINE_REGISTRY_KEY}:runtime:${engineId}`;
export const EngineWorkerEntry = z.object({
  executionProviders: z.array(z.string()),
  expiresAt: z.number().int(),
});
export type EngineWorkerEntry = z.infer<typeof EngineWorkerEntry>;
/** Redis channel on which the API asks workers to stop a running generation (message: generation id). */
export const CANCEL_CHANNEL = 'easel:cancel';
/** Redis key prefix marking a canceled generation, so a worker that takes the job later skips it. */
export const CANCELED_KEY_PREFIX = 'easel:canceled:';

/** Fully resolved parameters: the API picks defaults and the seed, so a retry on another worker is identical. */
export const GenerationJobPayload = z.strictObject({
  version: z.literal(1),
  generationId: z.uuid(),
  engine: z.string(),
  mode: GenerationMode,
  prompt: z.string(),
  negativePrompt: z.string().optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  steps: z.number().int().positive(),
  cfgScale: z.number(),
  sampler: Sampler,
  seed: z.number().int().min(0).max(4294967295),
  samples: z.number().int().min(1),
  /** Object-store keys of the uploaded inputs. */
  initImageKey: z.string().optional(),
  maskImageKey: z.string().optional(),
  strength: z.number().min(0).max(1).optional(),
  stepScheduleEnd: z.number().min(0).max(1).optional(),
  maskSource: MaskSource.optional(),
  outpaint: OutpaintMargins.optional(),
  interpolation: InterpolationSettings.optional(),
  /** Object-store key prefix for the outputs, e.g. `generations/<id>/`. */
  outputPrefix: z.string(),
  preview: z.boolean().default(false),
  /** X-Request-Id of the HTTP request that created the generation: in the worker's logs and the webhook's header. */
  requestId: z.string().max(128).optional(),
});
export type GenerationJobPayload = z.infer<typeof GenerationJobPayload>;

export const JobArtifact = z.strictObject({
  index: z.number().int().min(0),
  seed: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  finishReason: FinishReason,
  key: z.string(),
  contentType: z.string(),
  bytes: z.number().int(),
});
export type JobArtifact = z.infer<typeof JobArtifact>;

/** The worker's return value for a finished job. */
export const GenerationJobResult = z.strictObject({
  version: z.literal(1),
  generationId: z.uuid(),
  artifacts: z.array(JobArtifact),
  animation: JobArtifact.optional(),
  workerId: z.string(),
  pipelineMs: z.number(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
});
export type GenerationJobResult = z.infer<typeof GenerationJobResult>;

/** job.updateProgress payload. `preview` is a small PNG, base64. */
export const GenerationJobProgress = z.strictObject({
  step: z.number().int().min(0),
  total: z.number().int().min(1),
  startedAt: z.iso.datetime(),
  preview: z.string().optional(),
});
export type GenerationJobProgress = z.infer<typeof GenerationJobProgress>;

/** Failure reasons a worker reports as the job's error message prefix `<code>: message`. */
export const JOB_ERROR_CODES = [
  'canceled',
  'invalid_request',
  'engine_unavailable',
  'pipeline_error',
] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];
