import { DdimScheduler } from './ddim.js';
import { DdpmScheduler } from './ddpm.js';
import { DpmSolverMultistepScheduler } from './dpm-multistep.js';
import { DpmPp2sAncestralScheduler } from './dpmpp-2s-ancestral.js';
import { EulerAncestralScheduler, EulerScheduler } from './euler.js';
import { HeunScheduler } from './heun.js';
import { Kdpm2AncestralScheduler } from './kdpm2-ancestral.js';
import { Kdpm2Scheduler } from './kdpm2.js';
import { LmsScheduler } from './lms.js';
import { PndmScheduler } from './pndm.js';
import {
  SchedulerError,
  UnknownSchedulerError,
  isSchedulerName,
  schedulerNames,
  type Scheduler,
  type SchedulerConfig,
  type SchedulerName,
} from './types.js';

export { SchedulerError, UnknownSchedulerError, isSchedulerName, schedulerNames };
export type { Scheduler, SchedulerConfig, SchedulerName, TimestepSpacing } from './types.js';

/**
 * A scheduler by name, configured from scheduler_config.json (+ timestep_spacing).
 * Without timestep_spacing each uses its diffusers class default: leading for DDIM, PNDM
 * and DDPM, linspace for the others. Throws UnknownSchedulerError for an unknown name.
 */
export function createScheduler(name: SchedulerName, config?: SchedulerConfig): Scheduler;
export function createScheduler(name: string, config?: SchedulerConfig): Scheduler;
export function createScheduler(name: string, config: SchedulerConfig = {}): Scheduler {
  if (!isSchedulerName(name)) throw new UnknownSchedulerError(name);
  switch (name) {
    case 'ddim':
      return new DdimScheduler(config);
    case 'pndm':
      return new PndmScheduler(config);
    case 'ddpm':
      return new DdpmScheduler(config);
    case 'euler':
      return new EulerScheduler(config);
    case 'euler_a':
      return new EulerAncestralScheduler(config);
    case 'lms':
      return new LmsScheduler(config);
    case 'dpmpp_2m':
      return new DpmSolverMultistepScheduler(config, false);
    case 'dpmpp_2m_karras':
      return new DpmSolverMultistepScheduler(config, true);
    case 'heun':
      return new HeunScheduler(config);
    case 'dpm2':
      return new Kdpm2Scheduler(config);
    case 'dpm2_a':
      return new Kdpm2AncestralScheduler(config);
    case 'dpmpp_2s_a':
      return new DpmPp2sAncestralScheduler(config);
  }
}

/** Stability v1 API sampler names → our schedulers. */
export const STABILITY_SAMPLERS: Record<string, SchedulerName> = {
  K_EULER: 'euler',
  K_EULER_ANCESTRAL: 'euler_a',
  K_DPMPP_2M: 'dpmpp_2m',
  K_DPMPP_2S_ANCESTRAL: 'dpmpp_2s_a',
  K_DPM_2: 'dpm2',
  K_DPM_2_ANCESTRAL: 'dpm2_a',
  K_HEUN: 'heun',
  K_LMS: 'lms',
  DDIM: 'ddim',
  DDPM: 'ddpm',
};

/**
 * diffusers' StableDiffusionImg2ImgPipeline.get_timesteps: keep the last
 * min(int(n·strength), n) steps and tell the scheduler where it begins.
 * Call after setTimesteps(n).
 */
export function img2imgTimesteps(
  s: Scheduler,
  numInferenceSteps: number,
  strength: number,
): { timesteps: number[]; startIndex: number } {
  if (!(strength >= 0 && strength <= 1))
    throw new SchedulerError(`strength must be in [0, 1], got ${strength}`);
  const initTimestep = Math.min(Math.floor(numInferenceSteps * strength), numInferenceSteps);
  const tStart = Math.max(numInferenceSteps - initTimestep, 0);
  const startIndex = Math.min(tStart * s.order, s.timesteps.length);
  s.setBeginIndex(startIndex);
  return { timesteps: Array.from(s.timesteps.subarray(startIndex)), startIndex };
}
