import { outputBuffer } from './alpha-scheduler.js';
import { eulerUpdateInto } from './k-diffusion-step.js';
import { SigmaScheduler } from './sigma-scheduler.js';
import { sigmaToTFloat32 } from './train-schedule.js';
import type { SchedulerConfig } from './types.js';

const flog = (x: number): number => Math.fround(Math.log(x));

/** torch.lerp(a, b, 0.5) in float32 (weight ≥ 0.5 branch: b - (b - a)·0.5; NaN for -inf ends). */
export function lerpHalf(a: number, b: number): number {
  return Math.fround(b - Math.fround(Math.fround(b - a) * 0.5));
}

/** [x0, x1, x1, x2, x2, …, x_last, x_last, x_last]: diffusers' cat([x[:1], x[1:].repeat_interleave(2), x[-1:]]). */
export function interleaveRepeat(x: ArrayLike<number>): Float64Array {
  const out: number[] = [x[0]];
  for (let i = 1; i < x.length; i++) out.push(x[i], x[i]);
  out.push(x[x.length - 1]);
  return Float64Array.from(out);
}

/**
 * diffusers KDPM2DiscreteScheduler (k-diffusion's DPM2): 2n-1 model calls; a first-order
 * half step to the log-midpoint σ, then a second-order step from the saved sample using the
 * derivative at the midpoint. Midpoint timesteps are non-integer (σ→t interpolation).
 */
export class Kdpm2Scheduler extends SigmaScheduler {
  readonly name = 'dpm2' as const;
  override readonly order = 2;
  private sigmasInterpol: Float64Array = new Float64Array(0);
  private saved: Float32Array | null = null;
  private savedBuf = new Float32Array(0);
  private x0 = new Float32Array(0);

  constructor(config: SchedulerConfig = {}) {
    super(config);
  }

  protected override applySchedule(timesteps: Float64Array, sigmas: Float64Array): void {
    const m = sigmas.length; // n + 1 (with the final 0)
    // sigmas.log().lerp(sigmas.roll(1).log(), 0.5).exp()
    const interpol = new Float64Array(m);
    for (let i = 0; i < m; i++)
      interpol[i] = Math.fround(Math.exp(lerpHalf(flog(sigmas[i]), flog(sigmas[(i - 1 + m) % m]))));
    this.sigmas = interleaveRepeat(sigmas);
    this.sigmasInterpol = interleaveRepeat(interpol);
    const t: number[] = [timesteps[0]];
    for (let i = 1; i < timesteps.length; i++)
      t.push(sigmaToTFloat32(interpol[i], this.logSigmas), timesteps[i]);
    this.timesteps = Float64Array.from(t);
    this.saved = null;
  }

  protected override inputSigma(): number {
    const k = this.currentIndex();
    return this.saved === null ? this.sigmas[k] : this.sigmasInterpol[k];
  }

  step(
    modelOutput: Float32Array,
    t: number,
    sample: Float32Array,
    _g?: unknown,
    out?: Float32Array,
  ): Float32Array {
    this.initStepIndex(t);
    const k = this.currentIndex();
    const n = sample.length;
    if (this.x0.length !== n) {
      this.x0 = new Float32Array(n);
      this.savedBuf = new Float32Array(n);
    }
    const result = outputBuffer(out, n);
    if (this.saved === null) {
      const sigma = this.sigmas[k];
      const sigmaInterpol = this.sigmasInterpol[k + 1];
      this.denoise(modelOutput, sample, sigma, this.x0);
      const dt = Math.fround(sigmaInterpol - sigma);
      this.savedBuf.set(sample);
      this.saved = this.savedBuf;
      eulerUpdateInto(result, this.savedBuf, sample, this.x0, sigma, dt);
    } else {
      const sigma = this.sigmas[k - 1];
      const sigmaInterpol = this.sigmasInterpol[k];
      const sigmaNext = this.sigmas[k];
      this.denoise(modelOutput, sample, sigmaInterpol, this.x0);
      const dt = Math.fround(sigmaNext - sigma);
      eulerUpdateInto(result, this.saved, sample, this.x0, sigmaInterpol, dt);
      this.saved = null;
    }
    this.stepIndex = k + 1;
    return result;
  }
}
