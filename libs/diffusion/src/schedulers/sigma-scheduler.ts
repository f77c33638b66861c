import { checkSteps, outputBuffer } from './alpha-scheduler.js';
import {
  floatTimesteps,
  resolveConfig,
  sigmasAt,
  trainTables,
  type ResolvedConfig,
} from './train-schedule.js';
import { SchedulerError, type SchedulerConfig, type SchedulerName, type TimestepSpacing } from './types.js';

/**
 * Shared parts of the k-diffusion style schedulers of diffusers (Euler, Euler ancestral, LMS,
 * Heun, KDPM2, …): float timesteps, σ per timestep (np.interp) plus a final 0, a step index
 * (found from the first timestep or set by setBeginIndex), input scaling by 1/sqrt(σ²+1),
 * and add_noise = x0 + σ·noise.
 */
export abstract class SigmaScheduler {
  abstract readonly name: SchedulerName;
  readonly order: number = 1;
  timesteps: Float64Array = new Float64Array(0);
  /** float32 values, kept in a Float64Array. */
  sigmas: Float64Array = new Float64Array(0);
  protected readonly cfg: ResolvedConfig;
  protected readonly trainSigmasF32: Float32Array;
  protected readonly logSigmas: Float64Array;
  protected stepIndex: number | null = null;
  protected beginIndex: number | null = null;

  constructor(config: SchedulerConfig, defaultSpacing: TimestepSpacing = 'linspace') {
    this.cfg = resolveConfig(config, defaultSpacing);
    const tables = trainTables(this.cfg);
    this.trainSigmasF32 = tables.sigmasF32;
    this.logSigmas = tables.logSigmas;
  }

  /** diffusers: max σ for linspace/trailing spacing, sqrt(max σ² + 1) for leading. */
  get initNoiseSigma(): number {
    let max = 0;
    for (const s of this.sigmas) if (s > max) max = s;
    if (this.cfg.spacing === 'linspace' || this.cfg.spacing === 'trailing') return max;
    return Math.fround(Math.sqrt(Math.fround(Math.fround(max * max) + 1)));
  }

  setTimesteps(numInferenceSteps: number): void {
    checkSteps(numInferenceSteps, this.cfg.numTrainTimesteps);
    const timesteps = floatTimesteps(this.cfg, numInferenceSteps);
    const sigmas = sigmasAt(timesteps, this.trainSigmasF32);
    this.applySchedule(timesteps, Float64Array.from([...sigmas, 0], Math.fround));
    this.stepIndex = null;
    this.beginIndex = null;
  }

  /** Subclasses expand (timesteps, σ + final 0) into their own tables. */
  protected applySchedule(timesteps: Float64Array, sigmas: Float64Array): void {
    this.timesteps = timesteps;
    this.sigmas = sigmas;
  }

  setBeginIndex(index: number): void {
    this.beginIndex = index;
  }

  /** The σ the model sees at the current step (overridden by the two-stage schedulers). */
  protected inputSigma(): number {
    return this.sigmas[this.currentIndex()];
  }

  scaleModelInput(sample: Float32Array, t: number, out?: Float32Array): Float32Array {
    this.initStepIndex(t);
    const sigma = this.inputSigma();
    const denom = Math.fround(Math.sqrt(Math.fround(Math.fround(sigma * sigma) + 1)));
    const result = outputBuffer(out, sample.length);
    for (let i = 0; i < sample.length; i++) result[i] = sample[i] / denom;
    return result;
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    // diffusers: before the first step use begin_index (img2img), after it the step index
    // (inpainting), without either the timestep's own index.
    const index = this.beginIndex === null ? this.indexForTimestep(t) : (this.stepIndex ?? this.beginIndex);
    const sigma = this.sigmas[index];
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++) out[i] = original[i] + Math.fround(noise[i] * sigma);
    return out;
  }

  /** First match of t, or the second when it repeats (so img2img does not skip a σ). */
  protected indexForTimestep(t: number): number {
    const first = this.timesteps.indexOf(t);
    if (first < 0) throw new SchedulerError(`timestep ${t} is not in the schedule`);
    const second = this.timesteps.indexOf(t, first + 1);
    return second >= 0 ? second : first;
  }

  protected initStepIndex(t: number): void {
    if (this.stepIndex !== null) return;
    if (this.timesteps.length === 0)
      throw new SchedulerError('call setTimesteps() before using the scheduler');
    this.stepIndex = this.beginIndex ?? this.indexForTimestep(t);
  }

  protected currentIndex(): number {
    if (this.stepIndex === null) throw new SchedulerError('scheduler step index is not initialised');
    return this.stepIndex;
  }

  /** x0 prediction from the model output at σ (float32, epsilon or v_prediction). */
  protected denoise(modelOutput: Float32Array, sample: Float32Array, sigma: number, x0: Float32Array): void {
    switch (this.cfg.predictionType) {
      case 'epsilon':
        for (let i = 0; i < sample.length; i++) x0[i] = sample[i] - Math.fround(sigma * modelOutput[i]);
        return;
      case 'v_prediction': {
        const s2 = Math.fround(Math.fround(sigma * sigma) + 1);
        const c = Math.fround(-sigma / Math.fround(Math.sqrt(s2)));
        for (let i = 0; i < sample.length; i++)
          x0[i] = Math.fround(modelOutput[i] * c) + Math.fround(sample[i] / s2);
        return;
      }
      case 'sample':
        x0.set(modelOutput);
        return;
    }
  }
}
