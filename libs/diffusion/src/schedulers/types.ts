import type { TorchGenerator } from '../random/index.js';

export type SchedulerName =
  | 'ddim'
  | 'pndm'
  | 'euler'
  | 'euler_a'
  | 'lms'
  | 'dpmpp_2m'
  | 'dpmpp_2m_karras'
  | 'heun'
  | 'dpm2'
  | 'dpm2_a'
  | 'dpmpp_2s_a'
  | 'ddpm';

export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

/** scheduler/scheduler_config.json as diffusers writes it, plus timestep_spacing. */
export interface SchedulerConfig {
  num_train_timesteps?: number;
  beta_start?: number;
  beta_end?: number;
  beta_schedule?: string;
  trained_betas?: number[] | null;
  steps_offset?: number;
  set_alpha_to_one?: boolean;
  skip_prk_steps?: boolean;
  clip_sample?: boolean;
  prediction_type?: string;
  timestep_spacing?: TimestepSpacing;
  [k: string]: unknown;
}

export interface Scheduler {
  readonly name: SchedulerName;
  /** As diffusers' `order` (2 for Heun / KDPM2 / DPM2 ancestral / DPM++ 2S ancestral). */
  readonly order: number;
  /** After setTimesteps: the model is called once per entry, with that entry as its timestep. */
  readonly timesteps: Float64Array;
  readonly sigmas: Float64Array | null;
  readonly initNoiseSigma: number;
  setTimesteps(numInferenceSteps: number): void;
  /** img2img: diffusers' set_begin_index. */
  setBeginIndex(index: number): void;
  /** `out` (optional, may alias `sample`) receives the result instead of a fresh array. */
  scaleModelInput(sample: Float32Array, t: number, out?: Float32Array): Float32Array;
  /** Returns the new sample; `out` (optional, may alias `sample`) avoids an allocation. */
  step(
    modelOutput: Float32Array,
    t: number,
    sample: Float32Array,
    generator?: TorchGenerator,
    out?: Float32Array,
  ): Float32Array;
  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array;
}

export const schedulerNames: readonly SchedulerName[] = [
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
];

export class UnknownSchedulerError extends Error {
  override readonly name = 'UnknownSchedulerError';
  readonly code = 'unknown_scheduler';
  constructor(
    readonly requested: string,
    readonly validNames: readonly string[] = schedulerNames,
  ) {
    super(`unknown scheduler "${requested}"; valid names: ${validNames.join(', ')}`);
  }
}

export class SchedulerError extends Error {
  override readonly name = 'SchedulerError';
}

export function isSchedulerName(name: string): name is SchedulerName {
  return (schedulerNames as readonly string[]).includes(name);
}
