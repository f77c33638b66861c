import { z } from 'zod';

import { STABILITY_SAMPLER_NAMES, type StabilitySampler } from './engines.js';
import { FinishReason, MASK_SOURCES, MAX_SAMPLES, promptText } from './generations.js';

/**
 * Stability REST v1 request and response bodies, with the names, ranges and defaults of its published OpenAPI
 * document (Stability-AI/rest-api-support, generated/spec/v1.json). Objects strip unknown fields instead of
 * refusing them: existing v1 clients send fields of later spec revisions, and must keep working.
 */

/** Multipart sends every field as text: numeric text becomes a number before the range checks. */
const numeric = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : value;
  }, schema);

export const STABILITY_CLIP_GUIDANCE_PRESETS = [
  'FAST_BLUE',
  'FAST_GREEN',
  'NONE',
  'SIMPLE',
  'SLOW',
  'SLOWER',
  'SLOWEST',
] as const;
export const STABILITY_STYLE_PRESETS = [
  'enhance',
  'anime',
  'photographic',
  'digital-art',
  'comic-book',
  'fantasy-art',
  'line-art',
  'analog-film',
  'neon-punk',
  'isometric',
  'low-poly',
  'origami',
  'modeling-compound',
  'cinematic',
  '3d-model',
  'pixel-art',
  'tile-texture',
] as const;
export const STABILITY_INIT_IMAGE_MODES = ['IMAGE_STRENGTH', 'STEP_SCHEDULE'] as const;

export const STABILITY_DEFAULTS = {
  cfg_scale: 7,
  samples: 1,
  seed: 0,
  steps: 50,
  image_strength: 0.35,
  step_schedule_start: 0.65,
} as const;

export const StabilityTextPrompt = z.object({
  text: promptText(),
  weight: numeric(z.number().finite()).optional(),
});
export type StabilityTextPrompt = z.infer<typeof StabilityTextPrompt>;

/** GenerationRequestOptionalParams of the spec, shared by every generation body. */
const optionalParams = {
  cfg_scale: numeric(z.number().min(0).max(35)).default(STABILITY_DEFAULTS.cfg_scale),
  clip_guidance_preset: z.enum(STABILITY_CLIP_GUIDANCE_PRESETS).default('NONE'),
  sampler: z.enum(STABILITY_SAMPLER_NAMES as [StabilitySampler, ...StabilitySampler[]]).optional(),
  samples: numeric(z.number().int().min(1).max(MAX_SAMPLES)).default(STABILITY_DEFAULTS.samples),
  seed: numeric(z.number().int().min(0).max(4294967295)).default(STABILITY_DEFAULTS.seed),
  steps: numeric(z.number().int().min(10).max(150)).default(STABILITY_DEFAULTS.steps),
  style_preset: z.enum(STABILITY_STYLE_PRESETS).optional(),
  extras: z.record(z.string(), z.unknown()).optional(),
};

const textPrompts = z.array(StabilityTextPrompt).min(1, 'at least one text prompt is required');
const dimension = numeric(z.number().int().min(128).multipleOf(64, 'must be a multiple of 64'));

/** POST /v1/generation/{engine_id}/text-to-image (JSON). Width/height default to the engine's native size. */
export const StabilityTextToImageRequest = z
  .object({
    text_prompts: textPrompts,
    height: dimension.optional(),
    width: dimension.optional(),
    ...optionalParams,
  })
  .meta({ id: 'StabilityTextToImageRequest' });
export type StabilityTextToImageRequest = z.infer<typeof StabilityTextToImageRequest>;

const unit = numeric(z.number().min(0).max(1));

/** POST /v1/generation/{engine_id}/image-to-image (multipart; `init_image` is a file part). */
export const StabilityImageToImageRequest = z
  .object({
    text_prompts: textPrompts,
    init_image_mode: z.enum(STABILITY_INIT_IMAGE_MODES).default('IMAGE_STRENGTH'),
    image_strength: unit.default(STABILITY_DEFAULTS.image_strength),
    step_schedule_start: unit.default(STABILITY_DEFAULTS.step_schedule_start),
    step_schedule_end: unit.optional(),
    ...optionalParams,
  })
  .meta({ id: 'StabilityImageToImageRequest' });
export type StabilityImageToImageRequest = z.infer<typeof StabilityImageToImageRequest>;

/** POST /v1/generation/{engine_id}/image-to-image/masking (multipart; `init_image`, `mask_image` are file parts). */
export const StabilityMaskingRequest = z
  .object({ text_prompts: textPrompts, mask_source: z.enum(MASK_SOURCES), ...optionalParams })
  .meta({ id: 'StabilityMaskingRequest' });
export type StabilityMaskingRequest = z.infer<typeof StabilityMaskingRequest>;

export const StabilityImage = z
  .strictObject({ base64: z.string(), seed: z.number(), finishReason: FinishReason })
  .meta({ id: 'StabilityImage' });
export type StabilityImage = z.infer<typeof StabilityImage>;

export const StabilityArtifacts = z
  .strictObject({ artifacts: z.array(StabilityImage) })
  .meta({ id: 'StabilityArtifacts' });
export type StabilityArtifacts = z.infer<typeof StabilityArtifacts>;

export const StabilityEngine = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    type: z.enum(['AUDIO', 'CLASSIFICATION', 'PICTURE', 'STORAGE', 'TEXT', 'VIDEO']),
  })
  .meta({ id: 'StabilityEngine' });
export type StabilityEngine = z.infer<typeof StabilityEngine>;

export const StabilityEngineList = z.array(StabilityEngine).meta({ id: 'StabilityEngineList' });
export type StabilityEngineList = z.infer<typeof StabilityEngineList>;

/** The error names v1 documents for generation requests (all 400); 401/403/404/500 share the native names. */
export const STABILITY_BAD_REQUEST_NAMES = [
  'bad_request',
  'invalid_samples',
  'invalid_height_or_width',
  'invalid_file_size',
  'invalid_mime_type',
  'invalid_image_dimensions',
  'invalid_mask_image',
  'invalid_prompts',
  'invalid_pixel_count',
] as const;
export type StabilityBadRequestName = (typeof STABILITY_BAD_REQUEST_NAMES)[number];
