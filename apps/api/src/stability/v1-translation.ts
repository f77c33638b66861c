import {
  STABILITY_SAMPLERS,
  type CreateGenerationRequest,
  type EngineDescriptor,
  type GenerationMode,
  type StabilityBadRequestName,
  type StabilityImageToImageRequest,
  type StabilityMaskingRequest,
  type StabilityTextPrompt,
  type StabilityTextToImageRequest,
} from '@easel/contracts';
import type { z } from 'zod';
import { StabilityBadRequestError } from './stability-errors.js';

/** Stability v1 → the native CreateGenerationRequest. Pure: no I/O, so it is tested on its own. */

export interface NativePrompts {
  prompt: string;
  negativePrompt?: string;
}

/** A1111 treats `( ) [ ] \` as syntax; a weighted v1 prompt is wrapped in `(…:w)`, so its own brackets are escaped. */
function escapeA1111(text: string): string {
  return text.replace(/[\\()[\]]/g, (c) => `\\${c}`);
}

function formatWeight(weight: number): string {
  return String(Math.round(weight * 1000) / 1000);
}

function weighted(text: string, weight: number): string {
  return weight === 1 ? text : `(${escapeA1111(text)}:${formatWeight(weight)})`;
}

/**
 * Positive weights make the prompt, negative weights the negative prompt (with |w|), in A1111 weight syntax;
 * an absent weight is 1 and a weight of 0 contributes nothing, as in Stability's weighted prompt sum.
 */
export function translatePrompts(prompts: readonly StabilityTextPrompt[]): NativePrompts {
  const positive: string[] = [];
  const negative: string[] = [];
  prompts.forEach((p, i) => {
    const text = p.text.trim();
    if (text === '')
      throw new StabilityBadRequestError('bad_request', `text_prompts[${i}].text: must not be empty`);
    const weight = p.weight ?? 1;
    if (weight > 0) positive.push(weighted(text, weight));
    else if (weight < 0) negative.push(weighted(text, -weight));
  });
  if (positive.length === 0) {
    throw new StabilityBadRequestError(
      'bad_request',
      'text_prompts: at least one prompt needs a positive weight',
    );
  }
  const prompt = positive.join(', ');
  const negativePrompt = negative.length > 0 ? negative.join(', ') : undefined;
  // The joined text obeys the same 2,000-character bound as each prompt.
  if (prompt.length > 2000 || (negativePrompt?.length ?? 0) > 2000) {
    throw new StabilityBadRequestError(
      'bad_request',
      'text_prompts: the combined prompt is over 2000 characters',
    );
  }
  return negativePrompt === undefined ? { prompt } : { prompt, negativePrompt };
}

/**
 * v1's size rules against the engine, in this order: multiples of 64 (the engine's own multiple if larger;
 * invalid_height_or_width), native area ≤ w·h ≤ the engine's pixel maximum (invalid_pixel_count; for SD 1.x that is
 * Stability's 262,144 ≤ w·h ≤ 1,048,576), then each side within the engine's maximum (invalid_height_or_width).
 */
export function checkSize(
  width: number,
  height: number,
  engine: EngineDescriptor,
  source = 'height/width',
): void {
  const multiple = Math.max(64, engine.sizeMultiple);
  const sides = [
    ['width', width],
    ['height', height],
  ] as const;
  for (const [name, value] of sides) {
    if (value % multiple !== 0) {
      throw new StabilityBadRequestError(
        'invalid_height_or_width',
        `${source}: ${name} ${value} is not a multiple of ${multiple}`,
      );
    }
  }
  const pixels = width * height;
  const minPixels = Math.min(engine.nativeWidth * engine.nativeHeight, 262_144);
  if (pixels > engine.maxPixels || pixels < minPixels) {
    throw new StabilityBadRequestError(
      'invalid_pixel_count',
      `${source}: ${width}x${height} = ${pixels} pixels; this engine takes ${minPixels} ≤ height·width ≤ ${engine.maxPixels}`,
    );
  }
  for (const [name, value] of sides) {
    if (value > engine.maxSize) {
      throw new StabilityBadRequestError(
        'invalid_height_or_width',
        `${source}: ${name} ${value} is over this engine's maximum of ${engine.maxSize}`,
      );
    }
  }
}

type CommonBody = Pick<
  StabilityTextToImageRequest,
  'text_prompts' | 'cfg_scale' | 'sampler' | 'samples' | 'seed' | 'steps'
>;

function common(engine: EngineDescriptor, body: CommonBody, mode: GenerationMode): CreateGenerationRequest {
  const sampler = body.sampler === undefined ? undefined : STABILITY_SAMPLERS[body.sampler];
  if (sampler !== undefined && !engine.samplers.includes(sampler)) {
    throw new StabilityBadRequestError(
      'bad_request',
      `sampler: ${body.sampler} is not available on ${engine.id}`,
    );
  }
  if (!engine.modes.includes(mode)) {
    throw new StabilityBadRequestError('bad_request', `engine ${engine.id} does not support ${mode}`);
  }
  return {
    engine: engine.id,
    mode,
    ...translatePrompts(body.text_prompts),
    steps: body.steps,
    cfgScale: body.cfg_scale,
    ...(sampler === undefined ? {} : { sampler }),
    seed: body.seed,
    samples: body.samples,
  };
}

export function textToImageRequest(
  engine: EngineDescriptor,
  body: StabilityTextToImageRequest,
): CreateGenerationRequest {
  const width = body.width ?? engine.nativeWidth;
  const height = body.height ?? engine.nativeHeight;
  // Omitted sides take the native size, which is the engine's own choice; only what the client sent is checked.
  if (body.width !== undefined || body.height !== undefined) checkSize(width, height, engine);
  return { ...common(engine, body, 'text-to-image'), width, height };
}

export interface ImageToImageTranslation {
  request: CreateGenerationRequest;
  stepScheduleEnd?: number;
}

/** The init image's size is the output size. `strength` is the native (diffusers) one: the share of steps run. */
export function imageToImageRequest(
  engine: EngineDescriptor,
  body: StabilityImageToImageRequest,
  size: { width: number; height: number },
): ImageToImageTranslation {
  const strength =
    body.init_image_mode === 'IMAGE_STRENGTH' ? 1 - body.image_strength : body.step_schedule_start;
  const request = { ...common(engine, body, 'image-to-image'), ...size, strength };
  if (body.init_image_mode === 'STEP_SCHEDULE' && body.step_schedule_end !== undefined) {
    if (body.step_schedule_end > body.step_schedule_start) {
      throw new StabilityBadRequestError(
        'bad_request',
        'step_schedule_end: must not be above step_schedule_start',
      );
    }
    return { request, stepScheduleEnd: body.step_schedule_end };
  }
  return { request };
}

export function maskingRequest(
  engine: EngineDescriptor,
  body: StabilityMaskingRequest,
  size: { width: number; height: number },
): CreateGenerationRequest {
  return { ...common(engine, body, 'inpaint'), ...size, maskSource: body.mask_source };
}

/** A schema failure → Stability's most specific name for it, with the offending field in the message. */
export function stabilityValidationError(error: z.ZodError): StabilityBadRequestError {
  const issue = error.issues[0];
  const field =
    issue?.path
      .map((part, i) =>
        typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`,
      )
      .join('') ?? '';
  const first =
    field === '' ? (issue?.message ?? 'invalid request') : `${field}: ${issue?.message ?? 'invalid'}`;
  const top = issue?.path[0];
  const name: StabilityBadRequestName =
    top === 'height' || top === 'width' ? 'invalid_height_or_width' : 'bad_request';
  return new StabilityBadRequestError(name, first);
}
