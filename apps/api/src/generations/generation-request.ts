/**
 * Turns a CreateGenerationRequest into a fully resolved job payload for one engine: defaults from the engine
 * descriptor, limits checked against it, a concrete seed, and the price. Every refusal names the field.
 */
import { randomInt } from 'node:crypto';
import {
  creditsFor,
  type CreateGenerationRequest,
  type EngineDescriptor,
  type GenerationJobPayload,
} from '@easel/contracts';
import { InvalidRequestError } from '../common/domain-errors.js';
import type { ProbedImage } from './generation-images.js';

/** A request field the engine or the mode refuses; `field` is the request's field name. */
export class GenerationInputError extends InvalidRequestError {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`body.${field}: ${detail}`);
  }
}

export interface ProbedInputs {
  initImage?: ProbedImage;
  mask?: ProbedImage;
}

/** The payload without the object-store keys of the inputs (known once they are stored). */
export type ResolvedPayload = Omit<GenerationJobPayload, 'initImageKey' | 'maskImageKey'>;

export interface ResolvedGeneration {
  payload: ResolvedPayload;
  cost: number;
}

const MAX_SEED = 4294967295;

export function resolveGeneration(
  id: string,
  request: CreateGenerationRequest,
  engine: EngineDescriptor,
  images: ProbedInputs,
  stepScheduleEnd?: number,
): ResolvedGeneration {
  const { mode } = request;
  if (!engine.modes.includes(mode)) {
    throw new GenerationInputError('mode', `engine ${engine.id} does not support ${mode}`);
  }
  requireInputs(request, images);
  const init = images.initImage;
  // Image modes keep the input's size when it fits the engine and no size is asked for (Stability v1 behaviour).
  const fromInit = init && fitsEngine(init.width, init.height, engine) && mode !== 'outpaint';
  const width = request.width ?? (fromInit ? init.width : engine.nativeWidth);
  const height = request.height ?? (fromInit ? init.height : engine.nativeHeight);
  checkSize('width', width, engine);
  checkSize('height', height, engine);
  const margins = request.outpaint;
  const outWidth = width + (mode === 'outpaint' && margins ? margins.left + margins.right : 0);
  const outHeight = height + (mode === 'outpaint' && margins ? margins.top + margins.bottom : 0);
  if (outWidth > engine.maxSize || outHeight > engine.maxSize) {
    throw new GenerationInputError(
      'outpaint',
      `the result (${outWidth}x${outHeight}) exceeds ${engine.maxSize} px`,
    );
  }
  if (outWidth * outHeight > engine.maxPixels) {
    const field = mode === 'outpaint' ? 'outpaint' : 'width';
    throw new GenerationInputError(
      field,
      `${outWidth}x${outHeight} is ${outWidth * outHeight} pixels; engine ${engine.id} allows at most ${engine.maxPixels}`,
    );
  }
  const sampler = request.sampler ?? engine.defaultSampler;
  if (!engine.samplers.includes(sampler)) {
    throw new GenerationInputError('sampler', `engine ${engine.id} does not support sampler ${sampler}`);
  }
  const steps = request.steps ?? engine.defaultSteps;
  const samples = mode === 'interpolate' ? 1 : request.samples;
  const seed = request.seed === undefined || request.seed === 0 ? randomInt(1, MAX_SEED) : request.seed;
  const images_ = mode === 'interpolate' ? (request.interpolation?.frames ?? 2) : samples;
  const payload: ResolvedPayload = {
    version: 1,
    generationId: id,
    engine: engine.id,
    mode,
    prompt: request.prompt,
    ...(request.negativePrompt !== undefined && { negativePrompt: request.negativePrompt }),
    width,
    height,
    steps,
    cfgScale: request.cfgScale ?? engine.defaultCfgScale,
    sampler,
    seed,
    samples,
    ...(request.strength !== undefined && mode !== 'text-to-image' && { strength: request.strength }),
    ...(stepScheduleEnd !== undefined && { stepScheduleEnd }),
    ...(mode === 'inpaint' && { maskSource: request.maskSource ?? 'MASK_IMAGE_WHITE' }),
    ...(mode === 'outpaint' && margins && { outpaint: margins }),
    ...(mode === 'interpolate' && request.interpolation && { interpolation: request.interpolation }),
    outputPrefix: `generations/${id}/`,
    preview: request.preview ?? false,
  };
  return { payload, cost: creditsFor({ width: outWidth, height: outHeight, steps, samples: images_ }) };
}

function requireInputs(request: CreateGenerationRequest, images: ProbedInputs): void {
  const { mode } = request;
  const needsInit = mode === 'image-to-image' || mode === 'inpaint' || mode === 'outpaint';
  if (needsInit && !images.initImage) throw new GenerationInputError('initImage', `required for ${mode}`);
  if (!needsInit && images.initImage) throw new GenerationInputError('initImage', `not used by ${mode}`);
  if (mode === 'inpaint') {
    const source = request.maskSource ?? 'MASK_IMAGE_WHITE';
    if (source !== 'INIT_IMAGE_ALPHA' && !images.mask)
      throw new GenerationInputError('mask', `required for inpaint with maskSource ${source}`);
    if (source === 'INIT_IMAGE_ALPHA' && images.initImage && !images.initImage.hasAlpha)
      throw new GenerationInputError('initImage', 'has no alpha channel to take the mask from');
  } else if (images.mask) {
    throw new GenerationInputError('mask', `not used by ${mode}`);
  }
  const { initImage, mask } = images;
  if (initImage && mask && (initImage.width !== mask.width || initImage.height !== mask.height)) {
    throw new GenerationInputError(
      'mask',
      `is ${mask.width}x${mask.height}; it must have the init image's size ${initImage.width}x${initImage.height}`,
    );
  }
  if (mode === 'outpaint' && !request.outpaint)
    throw new GenerationInputError('outpaint', 'required for outpaint');
  if (mode === 'interpolate' && !request.interpolation)
    throw new GenerationInputError('interpolation', 'required for interpolate');
}

function fitsEngine(width: number, height: number, engine: EngineDescriptor): boolean {
  const ok = (v: number) => v % engine.sizeMultiple === 0 && v >= engine.minSize && v <= engine.maxSize;
  return ok(width) && ok(height) && width * height <= engine.maxPixels;
}

function checkSize(field: 'width' | 'height', value: number, engine: EngineDescriptor): void {
  if (value % engine.sizeMultiple !== 0)
    throw new GenerationInputError(field, `must be a multiple of ${engine.sizeMultiple}`);
  if (value < engine.minSize || value > engine.maxSize)
    throw new GenerationInputError(field, `must be from ${engine.minSize} to ${engine.maxSize}`);
}
