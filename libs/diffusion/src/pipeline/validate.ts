import { STABILITY_SAMPLERS, schedulerNames, type SchedulerName } from '../schedulers/index.js';
import { textPromptsToWeighted, type PromptInput } from '../prompt/index.js';
import type { Margins, MaskSource, OutpaintFill } from '../image/index.js';
import { InvalidRequestError } from './errors.js';
import { modeOf, type GenerationMode, type GenerationRequest, type PipelineLimits } from './request.js';

const MASK_SOURCES: readonly MaskSource[] = ['MASK_IMAGE_WHITE', 'MASK_IMAGE_BLACK', 'INIT_IMAGE_ALPHA'];
const SEED_RANGE = 2 ** 32;

/** A request checked and completed with defaults; image sizes are checked later, once images are decoded. */
export interface ResolvedRequest {
  mode: GenerationMode;
  positive: PromptInput;
  negative: PromptInput;
  /** Prompts as text, for the PNG parameters chunk. */
  promptText: string;
  negativeText: string;
  toPrompt: PromptInput | null;
  width: number | undefined;
  height: number | undefined;
  steps: number;
  cfgScale: number;
  sampler: SchedulerName;
  seeds: number[];
  toSeed: number;
  strength: number;
  stepScheduleEnd: number;
  initImage: Uint8Array | undefined;
  maskImage: Uint8Array | undefined;
  maskSource: MaskSource;
  outpaint: Margins | undefined;
  outpaintFill: OutpaintFill;
  keepUnmaskedPixels: boolean;
  frames: number;
  frameDelayMs: number;
  previewIntervalMs: number | null;
}

export function resolveSampler(name: string): SchedulerName {
  const lower = name.toLowerCase();
  const direct = schedulerNames.find((n) => n === lower);
  if (direct) return direct;
  const stability = STABILITY_SAMPLERS[name.toUpperCase()];
  if (stability) return stability;
  throw new InvalidRequestError(
    'sampler',
    `unknown sampler "${name}"; use one of ${schedulerNames.join(', ')} or ${Object.keys(STABILITY_SAMPLERS).join(', ')}`,
  );
}

export function resolveRequest(
  req: GenerationRequest,
  limits: PipelineLimits,
  canEncodeImages: boolean,
): ResolvedRequest {
  const mode = modeOf(req);
  const { positive, negative, promptText, negativeText } = resolvePrompts(req);
  const samples = integer('samples', req.samples ?? 1, 1, limits.maxSamples);
  const seed = integer('seed', req.seed ?? Math.floor(Math.random() * SEED_RANGE), 0, SEED_RANGE - 1);
  const needsImage = mode === 'image-to-image' || mode === 'inpainting' || mode === 'outpainting';
  if (needsImage && !req.initImage)
    throw new InvalidRequestError('init_image', `${mode} needs an init image`);
  if (needsImage && !canEncodeImages) {
    throw new InvalidRequestError(
      'init_image',
      'this model has no vae_encoder, so it cannot take image inputs',
    );
  }
  if (mode === 'interpolation' && (req.initImage || req.maskImage || req.outpaint)) {
    throw new InvalidRequestError(
      'interpolation',
      'interpolation works from text only; drop the init image, mask and outpaint',
    );
  }
  if (mode === 'interpolation' && samples !== 1) {
    throw new InvalidRequestError('samples', 'interpolation makes one sequence of frames; samples must be 1');
  }
  if (req.outpaint && (req.maskImage || req.maskSource)) {
    throw new InvalidRequestError('mask_image', 'outpainting makes its own mask; do not send one');
  }
  const masked = mode === 'inpainting' || mode === 'outpainting';
  const maskSource = req.maskSource ?? 'MASK_IMAGE_WHITE';
  if (!MASK_SOURCES.includes(maskSource)) {
    throw new InvalidRequestError('mask_source', `must be one of ${MASK_SOURCES.join(', ')}`);
  }
  if (mode === 'inpainting' && maskSource !== 'INIT_IMAGE_ALPHA' && !req.maskImage) {
    throw new InvalidRequestError('mask_image', `mask_source ${maskSource} needs a mask image`);
  }
  const frames = req.interpolation ? integer('frames', req.interpolation.frames, 2, limits.maxFrames) : 1;
  const previewIntervalMs =
    req.preview === undefined || req.preview === false
      ? null
      : req.preview === true
        ? 1000
        : req.preview.intervalMs;
  return {
    mode,
    positive,
    negative,
    promptText,
    negativeText,
    toPrompt: req.interpolation?.toPrompt ?? null,
    width: req.width === undefined ? undefined : integer('width', req.width, 1, limits.maxSize),
    height: req.height === undefined ? undefined : integer('height', req.height, 1, limits.maxSize),
    steps: integer('steps', req.steps ?? limits.defaultSteps, 1, limits.maxSteps),
    cfgScale: number('cfg_scale', req.cfgScale ?? limits.defaultCfgScale, 0, 35),
    sampler: resolveSampler(req.sampler ?? limits.defaultSampler),
    seeds: Array.from({ length: samples }, (_, i) => (seed + i) % SEED_RANGE),
    toSeed: integer('to_seed', req.interpolation?.toSeed ?? seed, 0, SEED_RANGE - 1),
    strength: resolveStrength(req, masked ? 1 : limits.defaultStrength),
    stepScheduleEnd: number('step_schedule_end', req.stepScheduleEnd ?? 0, 0, 1),
    initImage: req.initImage,
    maskImage: req.maskImage,
    maskSource,
    outpaint: req.outpaint ? resolveMargins(req.outpaint) : undefined,
    outpaintFill: req.outpaintFill ?? 'blur',
    keepUnmaskedPixels: req.keepUnmaskedPixels ?? true,
    frames,
    frameDelayMs: integer('frame_delay_ms', req.interpolation?.frameDelayMs ?? 100, 1, 65535),
    previewIntervalMs: previewIntervalMs === null ? null : number('preview', previewIntervalMs, 0, 3_600_000),
  };
}

/** Checks an output size against the engine's range and multiple (and the VAE's downsampling factor). */
export function checkSize(
  width: number,
  height: number,
  limits: PipelineLimits,
  vaeScaleFactor: number,
  field?: string,
): void {
  const multiple = lcm(limits.sizeMultiple, vaeScaleFactor);
  const dims: Array<[string, number]> = [
    ['width', width],
    ['height', height],
  ];
  const bad = dims.find(([, v]) => v < limits.minSize || v > limits.maxSize || v % multiple !== 0);
  if (bad) {
    throw new InvalidRequestError(
      field ?? bad[0],
      `${width}x${height} is not allowed: width and height must be multiples of ${multiple} from ${limits.minSize} to ${limits.maxSize}`,
    );
  }
  if (width * height > limits.maxPixels) {
    throw new InvalidRequestError(
      field ?? 'width',
      `${width}x${height} has more than the ${limits.maxPixels} pixels allowed`,
    );
  }
}

function resolvePrompts(
  req: GenerationRequest,
): Pick<ResolvedRequest, 'positive' | 'negative' | 'promptText' | 'negativeText'> {
  if (req.textPrompts !== undefined) {
    if (req.prompt !== undefined || req.negativePrompt !== undefined) {
      throw new InvalidRequestError(
        'text_prompts',
        'send either text_prompts or prompt/negative_prompt, not both',
      );
    }
    if (req.textPrompts.length === 0)
      throw new InvalidRequestError('text_prompts', 'needs at least one prompt');
    req.textPrompts.forEach((p, i) => {
      if (typeof p.text !== 'string')
        throw new InvalidRequestError(`text_prompts[${i}].text`, 'must be a string');
      if (p.weight !== undefined && !Number.isFinite(p.weight)) {
        throw new InvalidRequestError(`text_prompts[${i}].weight`, 'must be a finite number');
      }
    });
    const { positive, negative } = textPromptsToWeighted(req.textPrompts);
    if (positive.length === 0)
      throw new InvalidRequestError('text_prompts', 'needs at least one prompt with a positive weight');
    const text = (sign: number): string =>
      req
        .textPrompts!.filter((p) => Math.sign(p.weight ?? 1) === sign)
        .map((p) =>
          p.weight === undefined || Math.abs(p.weight) === 1 ? p.text : `(${p.text}:${Math.abs(p.weight)})`,
        )
        .join(', ');
    return { positive, negative, promptText: text(1), negativeText: text(-1) };
  }
  if (typeof req.prompt !== 'string')
    throw new InvalidRequestError('prompt', 'a prompt (or text_prompts) is required');
  const negative = req.negativePrompt ?? '';
  return { positive: req.prompt, negative, promptText: req.prompt, negativeText: negative };
}

function resolveStrength(req: GenerationRequest, fallback: number): number {
  if (req.strength !== undefined) return number('strength', req.strength, 0, 1);
  if (req.stepScheduleStart !== undefined) return number('step_schedule_start', req.stepScheduleStart, 0, 1);
  if (req.imageStrength !== undefined) return 1 - number('image_strength', req.imageStrength, 0, 1);
  return fallback;
}

function resolveMargins(m: Margins): Margins {
  const out = {
    left: integer('outpaint.left', m.left, 0, 4096),
    top: integer('outpaint.top', m.top, 0, 4096),
    right: integer('outpaint.right', m.right, 0, 4096),
    bottom: integer('outpaint.bottom', m.bottom, 0, 4096),
  };
  if (out.left + out.top + out.right + out.bottom === 0)
    throw new InvalidRequestError('outpaint', 'at least one margin must be > 0');
  return out;
}

function integer(field: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new InvalidRequestError(field, `must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

function number(field: string, v: number, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new InvalidRequestError(field, `must be a number from ${min} to ${max}, got ${v}`);
  }
  return v;
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a * b) / gcd(a, b);
}
