import { z } from 'zod';

import { GenerationMode, Sampler } from './engines.js';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from './text.js';

export const MAX_PROMPT_LENGTH = 2000;
export const MAX_SAMPLES = 10;
export const MAX_FRAMES = 60;
export const MAX_STEPS = 150;

/** Prompt text: at most MAX_PROMPT_LENGTH characters that PostgreSQL can store as given. */
export const promptText = () =>
  z.string().max(MAX_PROMPT_LENGTH).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

const size = z.number().int().multipleOf(64).min(64).max(2048);
const seed = z.number().int().min(0).max(4294967295);
const base64Image = z.base64().max(14_000_000).describe('Image bytes (PNG, JPEG, WebP), base64');
const margin = z.number().int().multipleOf(64).min(0).max(1024);

export const OutpaintMargins = z
  .strictObject({
    left: margin.default(0),
    top: margin.default(0),
    right: margin.default(0),
    bottom: margin.default(0),
  })
  .refine((m) => m.left + m.top + m.right + m.bottom > 0, { message: 'at least one margin must be > 0' })
  .meta({ id: 'OutpaintMargins' });
export type OutpaintMargins = z.infer<typeof OutpaintMargins>;

export const InterpolationSettings = z
  .strictObject({
    toPrompt: promptText().optional(),
    toSeed: seed.optional(),
    frames: z.number().int().min(2).max(MAX_FRAMES),
    frameDelayMs: z.number().int().min(20).max(5000).optional(),
  })
  .refine((s) => s.toPrompt !== undefined || s.toSeed !== undefined, {
    message: 'give toPrompt and/or toSeed',
  })
  .meta({ id: 'InterpolationSettings' });
export type InterpolationSettings = z.infer<typeof InterpolationSettings>;

export const MASK_SOURCES = ['MASK_IMAGE_WHITE', 'MASK_IMAGE_BLACK', 'INIT_IMAGE_ALPHA'] as const;
export const MaskSource = z.enum(MASK_SOURCES);
export type MaskSource = z.infer<typeof MaskSource>;

/** Body of POST /api/generations (JSON; the same fields as multipart with image files). */
export const CreateGenerationRequest = z
  .strictObject({
    engine: z.string().min(1).max(64),
    mode: GenerationMode.default('text-to-image'),
    prompt: promptText().min(1),
    negativePrompt: promptText().optional(),
    width: size.optional().describe("Default: the engine's native width"),
    height: size.optional().describe("Default: the engine's native height"),
    steps: z.number().int().min(1).max(MAX_STEPS).optional(),
    cfgScale: z.number().min(0).max(35).optional(),
    sampler: Sampler.optional(),
    seed: seed.optional().describe('0 or absent: random'),
    samples: z.number().int().min(1).max(MAX_SAMPLES).default(1),
    initImage: base64Image.optional(),
    strength: z.number().min(0).max(1).optional(),
    mask: base64Image.optional(),
    maskSource: MaskSource.optional(),
    outpaint: OutpaintMargins.optional(),
    interpolation: InterpolationSettings.optional(),
    webhookUrl: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional()
      .describe(
        'POSTed the finished generation, signed with Easel-Signature; a public http(s) address (loopback, private and reserved ranges are refused)',
      ),
    preview: z.boolean().optional().describe('Send small preview images with the progress events'),
  })
  .meta({ id: 'CreateGenerationRequest' });
export type CreateGenerationRequest = z.infer<typeof CreateGenerationRequest>;

export const GENERATION_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export const GenerationStatus = z.enum(GENERATION_STATUSES);
export type GenerationStatus = z.infer<typeof GenerationStatus>;
export const FINISHED_STATUSES: readonly GenerationStatus[] = ['succeeded', 'failed', 'canceled'];

export const FinishReason = z.enum(['SUCCESS', 'ERROR', 'CONTENT_FILTERED']);
export type FinishReason = z.infer<typeof FinishReason>;

export const Artifact = z
  .strictObject({
    index: z.number().int().min(0),
    seed: seed,
    width: z.number().int(),
    height: z.number().int(),
    finishReason: FinishReason,
    contentType: z.string(),
    url: z.string().describe('Signed, expiring download URL'),
  })
  .meta({ id: 'Artifact' });
export type Artifact = z.infer<typeof Artifact>;

export const Generation = z
  .strictObject({
    id: z.uuid(),
    status: GenerationStatus,
    engine: z.string(),
    mode: GenerationMode,
    cost: z.number().int(),
    progress: z.strictObject({ step: z.number().int(), total: z.number().int() }).nullable(),
    error: z.strictObject({ name: z.string(), message: z.string() }).nullable(),
    params: z.record(z.string(), z.unknown()),
    artifacts: z.array(Artifact),
    animation: Artifact.nullable(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    imagesDeletedAt: z.iso
      .datetime()
      .nullable()
      .describe('When its images were deleted (the record and its charge stay); artifacts are then empty'),
    timings: z
      .strictObject({
        queueMs: z.number().nullable(),
        pipelineMs: z.number().nullable(),
        totalMs: z.number().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'Generation' });
export type Generation = z.infer<typeof Generation>;

export const CreatedGeneration = z
  .strictObject({
    id: z.uuid(),
    status: GenerationStatus,
    cost: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'CreatedGeneration' });
export type CreatedGeneration = z.infer<typeof CreatedGeneration>;

export const GenerationList = z
  .strictObject({ data: z.array(Generation), nextCursor: z.string().nullable() })
  .meta({ id: 'GenerationList' });
export type GenerationList = z.infer<typeof GenerationList>;
