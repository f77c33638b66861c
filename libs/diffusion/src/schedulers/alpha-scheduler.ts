import { integerTimesteps, resolveConfig, trainTables, type ResolvedConfig } from './train-schedule.js';
import { SchedulerError, type SchedulerConfig, type SchedulerName, type TimestepSpacing } from './types.js';

/**
 * Shared parts of the schedulers that index ᾱ by integer timestep (DDIM, PNDM, DDPM):
 * train schedule, integer timesteps, identity input scaling and DDPM-style add_noise.
 */
export abstract class AlphaScheduler {
  abstract readonly name: SchedulerName;
  readonly order: number = 1;
  readonly sigmas = null;
  readonly initNoiseSigma = 1;
  timesteps: Float64Array = new Float64Array(0);
  protected readonly cfg: ResolvedConfig;
  protected readonly alphasCumprod: Float32Array;
  protected numInferenceSteps = 0;

  constructor(config: SchedulerConfig, defaultSpacing: TimestepSpacing) {
    this.cfg = resolveConfig(config, defaultSpacing);
    this.alphasCumprod = trainTables(this.cfg).alphasCumprod;
  }

  setTimesteps(numInferenceSteps: number): void {
    checkSteps(numInferenceSteps, this.cfg.numTrainTimesteps);
    this.numInferenceSteps = numInferenceSteps;
    this.timesteps = integerTimesteps(this.cfg, numInferenceSteps);
  }

  /** These schedulers keep no step index: the timestep itself says where they are. */
  setBeginIndex(_index: number): void {}

  scaleModelInput(sample: Float32Array, _t: number, out?: Float32Array): Float32Array {
    if (!out) return sample.slice();
    if (out !== sample) out.set(sample);
    return out;
  }

  /** sqrt(ᾱ_t)·x0 + sqrt(1-ᾱ_t)·noise in float32, as diffusers' add_noise. */
  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    const a = this.alphaAt(t);
    const sa = Math.fround(Math.sqrt(a));
    const sb = Math.fround(Math.sqrt(Math.fround(1 - a)));
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.fround(sa * original[i]) + Math.fround(sb * noise[i]);
    return out;
  }

  protected alphaAt(t: number): number {
    const idx = Math.round(t);
    if (idx < 0 || idx >= this.alphasCumprod.length)
      throw new SchedulerError(`timestep ${t} is out of range`);
    return this.alphasCumprod[idx];
  }

  protected requireTimesteps(): void {
    if (this.numInferenceSteps === 0) throw new SchedulerError('call setTimesteps() before step()');
  }
}

export function checkSteps(n: number, numTrainTimesteps: number): void {
  if (!Number.isInteger(n) || n < 1 || n > numTrainTimesteps) {
    throw new SchedulerError(`numInferenceSteps must be an integer in [1, ${numTrainTimesteps}], got ${n}`);
  }
}

export function outputBuffer(out: Float32Array | undefined, length: number): Float32Array {
  if (!out) return new Float32Array(length);
  if (out.length !== length)
    throw new SchedulerError(`output buffer has ${out.length} values, expected ${length}`);
  return out;
}

/** x0 and ε from the model output, float32 like diffusers (epsilon / v_prediction / sample, clip_sample). */
export function alphaPredictions(
  cfg: ResolvedConfig,
  alphaProdT: number,
  modelOutput: Float32Array,
  sample: Float32Array,
  x0: Float32Array,
  eps: Float32Array,
): void {
  const sa = Math.fround(Math.sqrt(alphaProdT));
  const sb = Math.fround(Math.sqrt(Math.fround(1 - alphaProdT)));
  for (let i = 0; i < sample.length; i++) {
    const m = modelOutput[i];
    const s = sample[i];
    switch (cfg.predictionType) {
      case 'epsilon':
        x0[i] = Math.fround(s - Math.fround(sb * m)) / sa;
        eps[i] = m;
        break;
      case 'v_prediction':
        x0[i] = Math.fround(sa * s) - Math.fround(sb * m);
        eps[i] = Math.fround(sa * m) + Math.fround(sb * s);
        break;
      case 'sample':
        x0[i] = m;
        eps[i] = Math.fround(s - Math.fround(sa * m)) / sb;
        break;
    }
  }
  // clip_sample clamps the x0 prediction only (ε was taken before), as diffusers does.
  if (cfg.clipSample) {
    const r = cfg.clipSampleRange;
    for (let i = 0; i < x0.length; i++) x0[i] = Math.min(Math.max(x0[i], -r), r);
  }
}
