import type { MaskSource } from '../image/index.js';
import type { Margins, OutpaintFill } from '../image/index.js';
import type { TextPrompt } from '../prompt/index.js';

/** Interpolation between two prompts and/or two seeds. */
export interface InterpolationRequest {
  /** The prompt of the last frame; default: the same prompt. */
  toPrompt?: string;
  /** The seed of the last frame; default: the same seed. */
  toSeed?: number;
  /** Number of frames, ≥ 2, first and last included. */
  frames: number;
  /** Delay between frames of the animated WebP; default 100 ms. */
  frameDelayMs?: number;
}

/**
 * One generation. The mode follows from the fields: `interpolation` → interpolation; `outpaint` → outpainting;
 * `maskImage`/`maskSource` → inpainting; `initImage` → image-to-image; otherwise text-to-image.
 */
export interface GenerationRequest {
  /** A1111 prompt syntax: `(word:1.3)`, `(word)`, `[word]`, `\(`, `BREAK`; any length (75-token chunks). */
  prompt?: string;
  negativePrompt?: string;
  /** Stability's weighted prompts; a negative weight makes a negative prompt. Exclusive with prompt. */
  textPrompts?: readonly TextPrompt[];
  /** Output size in pixels (a multiple of the pipeline's sizeMultiple). Without a size: the model's native size
   * (UNet sample_size × VAE factor), or with an init image its own size; with outpainting, the size the init
   * image is fitted to before the margins. */
  width?: number;
  height?: number;
  steps?: number;
  cfgScale?: number;
  /** A scheduler name (`euler_a`, `dpmpp_2m`, …) or a Stability sampler (`K_EULER_ANCESTRAL`, `DDIM`, …). */
  sampler?: string;
  /** Seed of the first image; image i uses seed + i (mod 2^32). Default: random. */
  seed?: number;
  samples?: number;
  /** Init image bytes, any format sharp reads; fitted to the size by cover + centre crop. */
  initImage?: Uint8Array;
  /** Denoising strength as diffusers: 0 returns the init image, 1 ignores it. Default 0.65 (1 for masks). */
  strength?: number;
  /** Stability's image_strength: how much of the init image is kept (1 − strength). */
  imageStrength?: number;
  /** Stability's step schedule: start = strength; end = the fraction of noise left when sampling stops (0 = all). */
  stepScheduleStart?: number;
  stepScheduleEnd?: number;
  maskImage?: Uint8Array;
  /** Default MASK_IMAGE_WHITE when a mask image is given. */
  maskSource?: MaskSource;
  /** Pixels added on each side of the init image; the result has the larger size. */
  outpaint?: Margins;
  /** Inpainting/outpainting: paste the original pixels back outside the mask after decoding, as A1111 does.
   * Default true; false returns the decoded image as it is. */
  keepUnmaskedPixels?: boolean;
  outpaintFill?: OutpaintFill;
  interpolation?: InterpolationRequest;
  /** Ask for latent previews in progress events, at most one per interval (default 1000 ms). */
  preview?: boolean | { intervalMs: number };
}

/** Engine limits and defaults, set once per pipeline. */
export interface PipelineLimits {
  /** Width and height must be multiples of this (and of the VAE factor); default 64. */
  sizeMultiple: number;
  minSize: number;
  maxSize: number;
  /** Largest width·height; default 1024·1024. */
  maxPixels: number;
  maxSamples: number;
  /** Images per UNet batch (cfg doubles the UNet batch); default 4. */
  maxBatch: number;
  maxSteps: number;
  maxFrames: number;
  /** Decompression-bomb guard for input images. */
  maxInputPixels: number;
  /** Default: easel.json's nativeWidth/nativeHeight, else the model's native size (read from the folder). */
  defaultWidth: number;
  defaultHeight: number;
  defaultSteps: number;
  defaultCfgScale: number;
  defaultSampler: string;
  defaultStrength: number;
}

export const DEFAULT_LIMITS: PipelineLimits = {
  sizeMultiple: 64,
  minSize: 64,
  maxSize: 2048,
  maxPixels: 1024 * 1024,
  maxSamples: 10,
  maxBatch: 4,
  maxSteps: 150,
  maxFrames: 120,
  maxInputPixels: 64 * 1024 * 1024,
  defaultWidth: 512,
  defaultHeight: 512,
  defaultSteps: 30,
  defaultCfgScale: 7,
  defaultSampler: 'euler_a',
  defaultStrength: 0.65,
};

export type GenerationMode =
  'text-to-image' | 'image-to-image' | 'inpainting' | 'outpainting' | 'interpolation';

export function modeOf(request: GenerationRequest): GenerationMode {
  if (request.interpolation) return 'interpolation';
  if (request.outpaint) return 'outpainting';
  if (request.maskImage || request.maskSource) return 'inpainting';
  if (request.initImage) return 'image-to-image';
  return 'text-to-image';
}
