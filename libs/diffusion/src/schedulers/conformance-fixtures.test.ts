import { readFileSync } from 'node:fs';
import { TorchGenerator } from '../random/index.js';
import {
  createScheduler,
  img2imgTimesteps,
  type Scheduler,
  type SchedulerConfig,
  type SchedulerName,
} from './index.js';
import { fixturePath } from '../../../../test/support/fixtures.js';

/** Test support, not a test (vitest runs *.spec.ts, the build skips *.test.ts): fixtures and procedures. */

export interface TraceEntry {
  i: number;
  t: number;
  first4: number[];
  sum_f64: number;
  sumsq_f64: number;
}
export interface RunFixture {
  scheduler: string;
  timestep_spacing: string;
  num_inference_steps: number;
  constructor_kwargs: SchedulerConfig;
  timesteps: number[];
  sigmas?: number[];
  init_noise_sigma: number;
  order: number;
  initial_sample_first4: number[];
  scaled_model_input_step0_first4: number[];
  sample_after_step1: number[];
  final_sample: number[];
  trace: TraceEntry[];
  num_model_calls: number;
}
export interface Img2ImgFixture {
  scheduler: string;
  num_inference_steps: number;
  strength: number;
  constructor_kwargs: SchedulerConfig;
  t_start: number;
  timesteps: number[];
  latent_timestep: number;
  noisy_latents: number[];
  sample_after_step1: number[];
  final_sample: number[];
  trace: TraceEntry[];
}
export interface AddNoiseFixture {
  scheduler: string;
  set_timesteps_called: false | number;
  timestep_spacing?: string;
  timestep: number;
  noisy: number[];
}
export interface SelectionFixture {
  scheduler: string;
  timestep_spacing: string;
  num_inference_steps: number;
  strength: number;
  t_start: number;
  timesteps: number[];
}
export interface SchedulersFixture {
  train_schedule: { betas: number[]; alphas_cumprod: number[] };
  runs: RunFixture[];
  img2img: Img2ImgFixture[];
  add_noise: AddNoiseFixture[];
  img2img_timestep_selection: SelectionFixture[];
}

export function loadSchedulersFixture(): SchedulersFixture {
  return JSON.parse(readFileSync(fixturePath('oracle/schedulers.json'), 'utf8')) as SchedulersFixture;
}

/** diffusers class name (as the fixture names it) → our scheduler name. */
export const CLASS_TO_NAME: Record<string, SchedulerName> = {
  DDIM: 'ddim',
  PNDM: 'pndm',
  DDPM: 'ddpm',
  EulerDiscrete: 'euler',
  EulerAncestralDiscrete: 'euler_a',
  LMSDiscrete: 'lms',
  DPMSolverMultistep: 'dpmpp_2m',
  DPMSolverMultistepKarras: 'dpmpp_2m_karras',
  HeunDiscrete: 'heun',
  KDPM2Discrete: 'dpm2',
  KDPM2AncestralDiscrete: 'dpm2_a',
};
const STOCHASTIC = new Set<SchedulerName>(['euler_a', 'dpm2_a', 'ddpm', 'dpmpp_2s_a']);

const SHAPE = [1, 4, 8, 8] as const;

/** The fixture's stand-in model: eps = x_in·0.1 + 0.01·sin(t/100), float32 like torch. */
export function fakeModel(xIn: Float32Array, t: number, out: Float32Array): Float32Array {
  const c = Math.fround(0.1);
  const bias = Math.fround(0.01 * Math.sin(t / 100));
  for (let i = 0; i < xIn.length; i++) out[i] = Math.fround(xIn[i] * c) + bias;
  return out;
}

export interface Replay {
  scheduler: Scheduler;
  initial: Float32Array;
  scaledStep0: Float32Array;
  afterStep1: Float32Array;
  final: Float32Array;
  trace: { t: number; sample: Float32Array }[];
}

/** Denoising loop over `timesteps` from `sample`, as the fixture README describes. */
export function denoise(
  s: Scheduler,
  timesteps: ArrayLike<number>,
  start: Float32Array,
): Omit<Replay, 'scheduler' | 'initial'> {
  const generator = STOCHASTIC.has(s.name) ? new TorchGenerator(7) : undefined;
  let sample: Float32Array = start;
  const eps = new Float32Array(sample.length);
  const trace: { t: number; sample: Float32Array }[] = [];
  let scaledStep0: Float32Array = new Float32Array(0);
  for (let i = 0; i < timesteps.length; i++) {
    const t = timesteps[i];
    const xIn = s.scaleModelInput(sample, t);
    if (i === 0) scaledStep0 = xIn;
    sample = s.step(fakeModel(xIn, t, eps), t, sample, generator);
    trace.push({ t, sample });
  }
  return { scaledStep0, afterStep1: trace[0]?.sample ?? start, final: sample, trace };
}

/** txt2img run: set_timesteps(n); sample = randn(seed 42)·init_noise_sigma; loop. */
export function replayRun(name: SchedulerName, config: SchedulerConfig, steps: number): Replay {
  const s = createScheduler(name, config);
  s.setTimesteps(steps);
  const sigma0 = Math.fround(s.initNoiseSigma);
  const initial = new TorchGenerator(42).randn(SHAPE).map((v) => Math.fround(v * sigma0));
  return { scheduler: s, initial, ...denoise(s, s.timesteps, initial) };
}

/** arange(256)/128 - 1 as float32, reshaped [1,4,8,8]. */
export function img2imgOriginal(): Float32Array {
  return Float32Array.from({ length: 256 }, (_, i) => i / 128 - 1);
}

/** img2img run as diffusers' pipeline: truncated timesteps, add_noise at the first, then the loop. */
export function replayImg2Img(name: SchedulerName, config: SchedulerConfig, steps: number, strength: number) {
  const s = createScheduler(name, config);
  s.setTimesteps(steps);
  const { timesteps, startIndex } = img2imgTimesteps(s, steps, strength);
  const noise = new TorchGenerator(123).randn(SHAPE);
  const noisy = s.addNoise(img2imgOriginal(), noise, timesteps[0]);
  return { scheduler: s, timesteps, startIndex, noisy, ...denoise(s, timesteps, noisy) };
}

/** max |a - b| / max |b|. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale || 1);
}
