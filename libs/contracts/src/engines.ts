import { z } from 'zod';

export const GENERATION_MODES = [
  'text-to-image',
  'image-to-image',
  'inpaint',
  'outpaint',
  'interpolate',
] as const;
export const GenerationMode = z.enum(GENERATION_MODES);
export type GenerationMode = z.infer<typeof GenerationMode>;

/** Scheduler names of libs/diffusion; Stability's sampler names map onto them (STABILITY_SAMPLERS). */
export const SAMPLERS = [
  'ddim',
  'pndm',
  'euler',
  'euler_a',
  'lms',
  'dpmpp_2m',
  'dpmpp_2m_karras',
  'heun',
  'dpm2',
  'dpm2_a',
  'dpmpp_2s_a',
  'ddpm',
] as const;
export const Sampler = z.enum(SAMPLERS);
export type Sampler = z.infer<typeof Sampler>;

export const STABILITY_SAMPLERS = {
  DDIM: 'ddim',
  DDPM: 'ddpm',
  K_DPMPP_2M: 'dpmpp_2m',
  K_DPMPP_2S_ANCESTRAL: 'dpmpp_2s_a',
  K_DPM_2: 'dpm2',
  K_DPM_2_ANCESTRAL: 'dpm2_a',
  K_EULER: 'euler',
  K_EULER_ANCESTRAL: 'euler_a',
  K_HEUN: 'heun',
  K_LMS: 'lms',
} as const satisfies Record<string, Sampler>;
export type StabilitySampler = keyof typeof STABILITY_SAMPLERS;
export const STABILITY_SAMPLER_NAMES = Object.keys(STABILITY_SAMPLERS) as StabilitySampler[];

/** One live worker serving an engine, as the engine listing shows it (worker ids stay internal). */
export const EngineWorker = z
  .strictObject({
    /** ONNX Runtime execution providers its sessions run on, in order, e.g. ['webgpu', 'cpu']. */
    executionProviders: z.array(z.string()),
  })
  .meta({ id: 'EngineWorker' });
export type EngineWorker = z.infer<typeof EngineWorker>;

/**
 * What a worker serves, published by the worker to Redis while it runs (ENGINE_REGISTRY_KEY); the API lists
 * and validates against it, so the API never needs model files.
 */
export const EngineDescriptor = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
    name: z.string(),
    description: z.string(),
    type: z.literal('PICTURE'),
    nativeWidth: z.number().int().positive(),
    nativeHeight: z.number().int().positive(),
    sizeMultiple: z.number().int().positive(),
    minSize: z.number().int().positive(),
    maxSize: z.number().int().positive(),
    maxPixels: z.number().int().positive(),
    modes: z.array(GenerationMode),
    samplers: z.array(Sampler),
    defaultSampler: Sampler,
    defaultSteps: z.number().int().positive(),
    defaultCfgScale: z.number(),
    /** In the engine listing: the live workers serving it and the execution providers each one runs. */
    workers: z.array(EngineWorker).optional(),
  })
  .meta({ id: 'Engine' });
export type EngineDescriptor = z.infer<typeof EngineDescriptor>;

export const EngineList = z.strictObject({ data: z.array(EngineDescriptor) }).meta({ id: 'EngineList' });
export type EngineList = z.infer<typeof EngineList>;
