import { interpIndex, npArange, npLinspace, roundHalfEven } from './numpy.js';

import { SchedulerError, type SchedulerConfig, type TimestepSpacing } from './types.js';

/** Missing keys take Stable Diffusion 1.5's scheduler_config.json values (not the diffusers class defaults). */
export interface ResolvedConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: string;
  trainedBetas: number[] | null;
  stepsOffset: number;
  setAlphaToOne: boolean;
  predictionType: 'epsilon' | 'v_prediction' | 'sample';
  spacing: TimestepSpacing;
  clipSample: boolean;
  clipSampleRange: number;
}

export function resolveConfig(config: SchedulerConfig, defaultSpacing: TimestepSpacing): ResolvedConfig {
  const prediction = config.prediction_type ?? 'epsilon';
  if (prediction !== 'epsilon' && prediction !== 'v_prediction' && prediction !== 'sample') {
    throw new SchedulerError(`unsupported prediction_type "${prediction}"`);
  }
  const spacing = config.timestep_spacing ?? defaultSpacing;
  if (spacing !== 'leading' && spacing !== 'trailing' && spacing !== 'linspace') {
    throw new SchedulerError(
      `unsupported timestep_spacing "${String(spacing)}" (leading, trailing or linspace)`,
    );
  }
  return {
    numTrainTimesteps: config.num_train_timesteps ?? 1000,
    betaStart: config.beta_start ?? 0.00085,
    betaEnd: config.beta_end ?? 0.012,
    betaSchedule: config.beta_schedule ?? 'scaled_linear',
    trainedBetas: config.trained_betas ?? null,
    stepsOffset: config.steps_offset ?? 1,
    setAlphaToOne: config.set_alpha_to_one ?? false,
    predictionType: prediction,
    spacing,
    clipSample: config.clip_sample ?? false,
    clipSampleRange: typeof config.clip_sample_range === 'number' ? config.clip_sample_range : 1,
  };
}

/**
 * torch.linspace(start, end, steps, dtype=float32) as the CPU kernel computes it: float32 math,
 * the first half counted up from start and the second down from end, in AVX2 vectors of 8
 * (each vector `base + j·step` from its first element), two vectors per loop and a scalar tail.
 * Verified bit-exact against torch 1.13's SD 1.5 betas.
 */
function torchLinspaceF32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  const s = Math.fround(start);
  const e = Math.fround(end);
  const step = Math.fround(Math.fround(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  // The compiler fuses `start + step * idx` into one FMA: exact product, one rounding.
  const first = (idx: number): number =>
    idx < halfway ? Math.fround(s + step * idx) : Math.fround(e - step * (steps - idx - 1));
  const VEC = 8;
  const vectorEnd = steps - (steps % (2 * VEC));
  for (let base = 0; base < vectorEnd; base += VEC) {
    const b = first(base);
    for (let j = 0; j < VEC; j++) out[base + j] = Math.fround(b + Math.fround(j * step));
  }
  for (let idx = vectorEnd; idx < steps; idx++) out[idx] = first(idx);
  return out;
}

function cosineBetas(n: number): Float32Array {
  const alphaBar = (t: number): number => Math.cos(((t + 0.008) / 1.008) * Math.PI * 0.5) ** 2;
  const betas = new Float32Array(n);
  for (let i = 0; i < n; i++) betas[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999);
  return betas;
}

/** betas and alphas_cumprod exactly as diffusers builds them (float32 tensors). */
export function trainSchedule(cfg: ResolvedConfig): { betas: Float32Array; alphasCumprod: Float32Array } {
  const n = cfg.numTrainTimesteps;
  let betas: Float32Array;
  if (cfg.trainedBetas) betas = Float32Array.from(cfg.trainedBetas);
  else if (cfg.betaSchedule === 'linear') betas = torchLinspaceF32(cfg.betaStart, cfg.betaEnd, n);
  else if (cfg.betaSchedule === 'scaled_linear') {
    betas = torchLinspaceF32(Math.sqrt(cfg.betaStart), Math.sqrt(cfg.betaEnd), n).map((b) =>
      Math.fround(b * b),
    );
  } else if (cfg.betaSchedule === 'squaredcos_cap_v2') betas = cosineBetas(n);
  else throw new SchedulerError(`unsupported beta_schedule "${cfg.betaSchedule}"`);
  // torch.cumprod on CPU accumulates in double and stores float32.
  const alphasCumprod = new Float32Array(n);
  let acc = 1;
  for (let i = 0; i < n; i++) {
    acc *= Math.fround(1 - betas[i]);
    alphasCumprod[i] = acc;
  }
  return { betas, alphasCumprod };
}

/** The train-step tables a scheduler reads (never writes), shared by every scheduler built from the same config. */
export interface TrainTables {
  alphasCumprod: Float32Array;
  /** σ per train step, float32. */
  sigmasF32: Float32Array;
  /** float32 log σ per train step, kept in a Float64Array. */
  logSigmas: Float64Array;
}

const tableCache = new Map<string, TrainTables>();
const TABLE_CACHE_MAX = 16;

/**
 * trainSchedule + trainSigmas + log σ, computed once per beta configuration: the pipeline builds fresh schedulers
 * for every request and image, and recomputing 1000-step float32 tables each time cost up to milliseconds.
 */
export function trainTables(cfg: ResolvedConfig): TrainTables {
  const key = JSON.stringify([
    cfg.numTrainTimesteps,
    cfg.betaStart,
    cfg.betaEnd,
    cfg.betaSchedule,
    cfg.trainedBetas,
  ]);
  let tables = tableCache.get(key);
  if (!tables) {
    const { alphasCumprod } = trainSchedule(cfg);
    const sigmasF32 = trainSigmas(alphasCumprod);
    tables = {
      alphasCumprod,
      sigmasF32,
      logSigmas: Float64Array.from(sigmasF32, (s) => Math.fround(Math.log(s))),
    };
    if (tableCache.size >= TABLE_CACHE_MAX) tableCache.clear();
    tableCache.set(key, tables);
  }
  return tables;
}

/** ((1 - ᾱ) / ᾱ) ** 0.5 per train step, float32 as diffusers' numpy copy of the tensor. */
export function trainSigmas(alphasCumprod: Float32Array): Float32Array {
  return alphasCumprod.map((a) => Math.fround(Math.sqrt(Math.fround(Math.fround(1 - a) / a))));
}

/** Integer timesteps of DDIM / DDPM (descending). */
export function integerTimesteps(cfg: ResolvedConfig, n: number): Float64Array {
  const T = cfg.numTrainTimesteps;
  switch (cfg.spacing) {
    case 'linspace':
      return npLinspace(0, T - 1, n)
        .map(roundHalfEven)
        .reverse();
    case 'leading': {
      const ratio = Math.floor(T / n);
      return npArange(0, n, 1)
        .map((i) => i * ratio + cfg.stepsOffset)
        .reverse();
    }
    case 'trailing':
      return npArange(T, 0, -T / n).map((v) => roundHalfEven(v) - 1);
  }
}

/** Float timesteps of the sigma (Karras-style) schedulers: Euler, LMS, Heun, KDPM2 (float32 values). */
export function floatTimesteps(cfg: ResolvedConfig, n: number): Float64Array {
  const T = cfg.numTrainTimesteps;
  switch (cfg.spacing) {
    case 'linspace':
      return npLinspace(0, T - 1, n)
        .map(Math.fround)
        .reverse();
    case 'leading': {
      const ratio = Math.floor(T / n);
      return npArange(0, n, 1)
        .map((i) => Math.fround(i * ratio) + cfg.stepsOffset)
        .reverse();
    }
    case 'trailing':
      return npArange(T, 0, -T / n).map((v) => Math.fround(roundHalfEven(v)) - 1);
  }
}

/** np.interp(timesteps, arange(T), sigmas), float64. */
export function sigmasAt(timesteps: ArrayLike<number>, trainSigmasF32: Float32Array): Float64Array {
  return Float64Array.from(timesteps, (t) => interpIndex(t, trainSigmasF32));
}

/** diffusers' _sigma_to_t: piecewise-linear interpolation of log sigma over the train steps. */
export function sigmaToT(sigma: number, logSigmas: ArrayLike<number>): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  const last = logSigmas.length - 1;
  // low_idx = (count of log_sigmas <= log_sigma) - 1 via cumsum/argmax, clipped to len - 2.
  let lowIdx = 0;
  let count = 0;
  let best = -1;
  for (let i = 0; i <= last; i++) {
    if (logSigma - logSigmas[i] >= 0) count++;
    if (count > best) {
      best = count;
      lowIdx = i;
    }
  }
  lowIdx = Math.min(lowIdx, last - 1);
  const low = logSigmas[lowIdx];
  const high = logSigmas[lowIdx + 1];
  let w = (low - logSigma) / (low - high);
  w = Math.min(Math.max(w, 0), 1);
  return (1 - w) * lowIdx + w * (lowIdx + 1);
}

/** Karras et al. (2022) sigmas, rho = 7, from sigma_max down to sigma_min (float64). */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number): Float64Array {
  const rho = 7;
  const ramp = npLinspace(0, 1, n);
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return ramp.map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/**
 * _sigma_to_t as it runs inside KDPM2 / KDPM2 ancestral, where σ and log σ are float32 torch
 * tensors: the interpolation weight and the result are float32 too.
 */
export function sigmaToTFloat32(sigma: number, logSigmas: ArrayLike<number>): number {
  const logSigma = Math.fround(Math.log(Math.max(sigma, Math.fround(1e-10))));
  if (Number.isNaN(logSigma)) return Number.NaN;
  const last = logSigmas.length - 1;
  let lowIdx = 0;
  for (let i = 0; i <= last; i++) if (logSigma >= logSigmas[i]) lowIdx = i;
  lowIdx = Math.min(lowIdx, last - 1);
  const low = logSigmas[lowIdx];
  const high = logSigmas[lowIdx + 1];
  const w = Math.min(Math.max(Math.fround(Math.fround(low - logSigma) / Math.fround(low - high)), 0), 1);
  return Math.fround(Math.fround(Math.fround(1 - w) * lowIdx) + Math.fround(w * (lowIdx + 1)));
}
