import type { TorchGenerator } from '../random/index.js';
import { outputBuffer } from './alpha-scheduler.js';
import { randnInto } from './noise.js';
import { SigmaScheduler } from './sigma-scheduler.js';
import { sigmaToT } from './train-schedule.js';
import type { SchedulerConfig } from './types.js';

/**
 * k-diffusion's sample_dpmpp_2s_ancestral (eta 1, s_noise 1) as a stepwise scheduler.
 *
 * σ schedule as Euler's (σ_i per timestep, then 0). Each step i with σ_down > 0 takes two
 * model calls, so `timesteps` holds [t(σ_0), t(σ_mid,0), t(σ_1), t(σ_mid,1), …, t(σ_{n-1})]:
 *   call 1 at t(σ_i): x0 = denoise(x); x_2 = (σ_mid/σ_i)·x - expm1(-h/2)·x0, returned as the
 *     sample for call 2, where h = log(σ_i/σ_down) and σ_mid = sqrt(σ_i·σ_down);
 *   call 2 at t(σ_mid) (a non-integer timestep, σ→t interpolation like KDPM2):
 *     x = (σ_down/σ_i)·x_i - expm1(-h)·denoise(x_2), then x += noise·σ_up when σ_{i+1} > 0.
 * The last step (σ_{i+1} = 0, so σ_down = 0) is a single Euler call: 2n-1 calls in all.
 * Noise comes from the generator passed to step() (k-diffusion uses torch's global RNG).
 * Arithmetic is float64 on the σ's (k-diffusion keeps them in the model's dtype).
 */
export class DpmPp2sAncestralScheduler extends SigmaScheduler {
  readonly name = 'dpmpp_2s_a' as const;
  override readonly order = 2;
  /** σ at which the model is evaluated, one per timestep entry. */
  private callSigmas: Float64Array = new Float64Array(0);
  private baseSigmas: Float64Array = new Float64Array(0);
  /** Per model call: its sampler step and whether it is the step's second (midpoint) call. */
  private callStep = new Int32Array(0);
  private callIsMidpoint = new Uint8Array(0);
  private savedBuf = new Float32Array(0);
  private x0 = new Float32Array(0);
  private noise = new Float32Array(0);

  constructor(config: SchedulerConfig = {}) {
    super(config);
  }

  protected override applySchedule(timesteps: Float64Array, sigmas: Float64Array): void {
    this.baseSigmas = sigmas;
    const ts: number[] = [];
    const cs: number[] = [];
    const steps: number[] = [];
    const mids: number[] = [];
    for (let i = 0; i < timesteps.length; i++) {
      ts.push(timesteps[i]);
      cs.push(sigmas[i]);
      steps.push(i);
      mids.push(0);
      const { down } = ancestral(sigmas[i], sigmas[i + 1]);
      if (down > 0) {
        const mid = Math.sqrt(sigmas[i] * down);
        ts.push(sigmaToT(mid, this.logSigmas));
        cs.push(mid);
        steps.push(i);
        mids.push(1);
      }
    }
    this.timesteps = Float64Array.from(ts);
    this.callSigmas = Float64Array.from(cs);
    this.callStep = Int32Array.from(steps);
    this.callIsMidpoint = Uint8Array.from(mids);
    this.sigmas = sigmas;
  }

  protected override inputSigma(): number {
    return this.callSigmas[this.currentIndex()];
  }

  /** Step index counts model calls; σ tables index by sampler step. */
  override addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    const callIndex =
      this.beginIndex === null ? this.indexForTimestep(t) : (this.stepIndex ?? this.beginIndex);
    const sigma = this.callSigmas[callIndex];
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++) out[i] = original[i] + noise[i] * sigma;
    return out;
  }

  step(
    modelOutput: Float32Array,
    t: number,
    sample: Float32Array,
    generator?: TorchGenerator,
    out?: Float32Array,
  ): Float32Array {
    this.initStepIndex(t);
    const k = this.currentIndex();
    const n = sample.length;
    if (this.x0.length !== n) {
      this.x0 = new Float32Array(n);
      this.savedBuf = new Float32Array(n);
      this.noise = new Float32Array(n);
    }
    const i = this.callStep[k];
    const sigma = this.baseSigmas[i];
    const sigmaNext = this.baseSigmas[i + 1];
    const { up, down } = ancestral(sigma, sigmaNext);
    const result = outputBuffer(out, n);
    if (!this.callIsMidpoint[k]) {
      this.denoise(modelOutput, sample, sigma, this.x0);
      if (down === 0) {
        const dt = down - sigma;
        for (let j = 0; j < n; j++) result[j] = sample[j] + ((sample[j] - this.x0[j]) / sigma) * dt;
        this.finishStep(result, sigmaNext, up, generator);
      } else {
        const h = Math.log(sigma / down);
        const mid = Math.sqrt(sigma * down);
        const a = mid / sigma;
        const b = Math.expm1(-h * 0.5);
        this.savedBuf.set(sample);
        for (let j = 0; j < n; j++) result[j] = a * sample[j] - b * this.x0[j];
      }
    } else {
      const mid = Math.sqrt(sigma * down);
      const h = Math.log(sigma / down);
      this.denoise(modelOutput, sample, mid, this.x0);
      const a = down / sigma;
      const b = Math.expm1(-h);
      for (let j = 0; j < n; j++) result[j] = a * this.savedBuf[j] - b * this.x0[j];
      this.finishStep(result, sigmaNext, up, generator);
    }
    this.stepIndex = k + 1;
    return result;
  }

  private finishStep(x: Float32Array, sigmaNext: number, up: number, generator?: TorchGenerator): void {
    if (sigmaNext > 0) {
      randnInto(generator, this.noise);
      for (let j = 0; j < x.length; j++) x[j] = x[j] + this.noise[j] * up;
    }
  }
}

/** k-diffusion get_ancestral_step with eta = 1. */
function ancestral(sigmaFrom: number, sigmaTo: number): { up: number; down: number } {
  const up = Math.min(sigmaTo, Math.sqrt((sigmaTo ** 2 * (sigmaFrom ** 2 - sigmaTo ** 2)) / sigmaFrom ** 2));
  const down = Math.sqrt(sigmaTo ** 2 - up ** 2);
  return { up, down };
}
