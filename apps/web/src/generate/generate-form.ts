// The playground's form: its values, the engine's defaults and limits, and the request it becomes.
import type { GenerationMode } from '@easel/contracts';
import type { CreateGenerationParams, Engine, Sampler } from '@easel/sdk';

export interface InitImage {
  blob: Blob;
  /** Object URL for <img> and the mask editor. */
  url: string;
  width: number;
  height: number;
  name: string;
}

export type Side = 'left' | 'top' | 'right' | 'bottom';
export const SIDES: readonly Side[] = ['left', 'top', 'right', 'bottom'];

export interface GenerateValues {
  engine: string;
  mode: GenerationMode;
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  steps: number;
  cfgScale: number;
  sampler: Sampler;
  seedMode: 'random' | 'fixed';
  seed: number;
  samples: number;
  strength: number;
  outpaintSides: Side[];
  outpaintBy: number;
  toPrompt: string;
  toSeed: string;
  frames: number;
}

export const MODE_LABELS: Record<GenerationMode, string> = {
  'text-to-image': 'Text to image',
  'image-to-image': 'Image to image',
  inpaint: 'Inpainting',
  outpaint: 'Outpainting',
  interpolate: 'Interpolation',
};

/** Every mode, in the contract's order; typed against it so a new mode fails to compile until it has a label. */
export const MODES = Object.keys(MODE_LABELS) as GenerationMode[];

export const MAX_SEED = 4294967295;
/** The API's limits (libs/contracts): samples per request, frames per interpolation, steps. */
export const LIMITS = { samples: 10, frames: 60, steps: 150, cfgScale: 35 };

export function engineDefaults(engine: Engine): Partial<GenerateValues> {
  return {
    engine: engine.id,
    width: engine.nativeWidth,
    height: engine.nativeHeight,
    steps: engine.defaultSteps,
    cfgScale: engine.defaultCfgScale,
    sampler: engine.defaultSampler,
    outpaintBy: engine.sizeMultiple,
  };
}

/** Sizes the engine takes: multiples of sizeMultiple from minSize to maxSize. */
export function sizeOptions(engine: Engine): number[] {
  const sizes: number[] = [];
  const first = Math.ceil(engine.minSize / engine.sizeMultiple) * engine.sizeMultiple;
  for (let s = first; s <= engine.maxSize; s += engine.sizeMultiple) sizes.push(s);
  return sizes.length > 0 ? sizes : [engine.nativeWidth];
}

export function usesInitImage(mode: GenerationMode): boolean {
  return mode === 'image-to-image' || mode === 'inpaint' || mode === 'outpaint';
}

/** Whether the API keeps an input image's own size (it fits the engine), as it does when no size is sent. */
export function initFits(init: InitImage, engine: Engine): boolean {
  const fits = (n: number): boolean =>
    n >= engine.minSize && n <= engine.maxSize && n % engine.sizeMultiple === 0;
  return fits(init.width) && fits(init.height) && init.width * init.height <= engine.maxPixels;
}

/**
 * The size the model works at: an image mode keeps its input's size when the engine can take it (an outpainting
 * only when the extended result fits too).
 */
export function baseSize(
  values: GenerateValues,
  init: InitImage | null,
  engine: Engine | undefined,
): { width: number; height: number; fromImage: boolean } {
  if (usesInitImage(values.mode) && init && engine && initFits(init, engine)) {
    const out = withMargins(values, init);
    const resultFits =
      values.mode !== 'outpaint' ||
      (out.width <= engine.maxSize &&
        out.height <= engine.maxSize &&
        out.width * out.height <= engine.maxPixels);
    if (resultFits) return { width: init.width, height: init.height, fromImage: true };
  }
  return { width: values.width, height: values.height, fromImage: false };
}

function withMargins(
  values: GenerateValues,
  base: { width: number; height: number },
): { width: number; height: number } {
  if (values.mode !== 'outpaint') return { width: base.width, height: base.height };
  const add = (side: Side): number => (values.outpaintSides.includes(side) ? values.outpaintBy : 0);
  return {
    width: base.width + add('left') + add('right'),
    height: base.height + add('top') + add('bottom'),
  };
}

/** The size of what comes out: outpainting adds its margins. */
export function outputSize(
  values: GenerateValues,
  init: InitImage | null,
  engine: Engine | undefined,
): { width: number; height: number } {
  return withMargins(values, baseSize(values, init, engine));
}

/** Images the generation makes (and pays for). */
export function imageCount(values: GenerateValues): number {
  return values.mode === 'interpolate' ? values.frames : values.samples;
}

export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] || 1;
}

/** A check that keeps the request from failing on the server; null when it can be sent. */
export function problemWith(
  values: GenerateValues,
  init: InitImage | null,
  mask: Blob | null,
): string | null {
  if (!values.prompt.trim()) return 'Write a prompt.';
  if (usesInitImage(values.mode) && !init) return 'Add an image to start from.';
  if (values.mode === 'inpaint' && !mask) return 'Paint the mask over the parts to repaint.';
  if (values.mode === 'outpaint' && values.outpaintSides.length === 0)
    return 'Pick at least one side to extend.';
  if (values.mode === 'interpolate' && !values.toPrompt.trim() && values.toSeed.trim() === '')
    return 'Give the prompt or seed to interpolate to.';
  return null;
}

export function toParams(
  values: GenerateValues,
  init: InitImage | null,
  mask: Blob | null,
  engine: Engine | undefined,
): CreateGenerationParams {
  const { mode } = values;
  const usesInit = usesInitImage(mode);
  // An input image that fits keeps its size (no size sent); one that does not is resized to the chosen size.
  // An outpainting always sends its size: without one the API works at the engine's native size.
  const base = baseSize(values, init, engine);
  const sized = !base.fromImage || mode === 'outpaint';
  const params: CreateGenerationParams = {
    engine: values.engine,
    mode,
    prompt: values.prompt.trim(),
    ...(values.negativePrompt.trim() && { negativePrompt: values.negativePrompt.trim() }),
    ...(sized && { width: base.width, height: base.height }),
    steps: values.steps,
    cfgScale: values.cfgScale,
    sampler: values.sampler,
    ...(values.seedMode === 'fixed' && values.seed > 0 && { seed: values.seed }),
    ...(mode !== 'interpolate' && { samples: values.samples }),
    preview: true,
  };
  if (usesInit && init) params.initImage = init.blob;
  if (mode === 'image-to-image' || mode === 'inpaint') params.strength = values.strength;
  if (mode === 'inpaint' && mask) {
    params.mask = mask;
    params.maskSource = 'MASK_IMAGE_WHITE';
  }
  if (mode === 'outpaint') {
    params.outpaint = Object.fromEntries(
      SIDES.map((side) => [side, values.outpaintSides.includes(side) ? values.outpaintBy : 0]),
    );
  }
  if (mode === 'interpolate') {
    const toSeed = Number(values.toSeed);
    params.interpolation = {
      frames: values.frames,
      ...(values.toPrompt.trim() && { toPrompt: values.toPrompt.trim() }),
      ...(values.toSeed.trim() !== '' && Number.isInteger(toSeed) && { toSeed }),
    };
  }
  return params;
}
