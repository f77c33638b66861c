import type { TorchGenerator } from '../random/index.js';
import { outputBuffer } from './alpha-scheduler.js';
import { addNoiseInto, ancestralStep, eulerUpdateInto } from './k-diffusion-step.js';
import { interleaveRepeat, lerpHalf } from './kdpm2.js';
import { randnInto } from './noise.js';
import { SigmaScheduler } from './sigma-scheduler.js';
import { sigmaToTFloat32 } from './train-schedule.js';
import type { SchedulerConfig } from './types.js';

const flog = (x: number): number => Math.fround(Math.log(x));

/**
 * diffusers KDPM2AncestralDiscreteScheduler (k-diffusion's DPM2 ancestral): 2n-1 model
 * calls; first-order half step to the log-midpoint of σ and σ_down, second-order step from
 * the saved sample to σ_down plus noise·σ_up (noise drawn only in second-order steps).
 */
export class Kdpm2AncestralScheduler extends SigmaScheduler {
  readonly name = 'dpm2_a' as const;
  override readonly order = 2;
  private sigmasInterpol: Float64Array = new Float64Array(0);
  private sigmasUp: Float64Array = new Float64Array(0);
  private sigmasDown: Float64Array = new Float64Array(0);
  private saved: Float32Array | null = null;
  private savedBuf = new Float32Array(0);
  private x0 = new Float32Array(0);
  private noise = new Float32Array(0);

  constructor(config: SchedulerConfig = {}) {
    super(config);
  }

  protected override applySchedule(timesteps: Float64Array, sigmas: Float64Array): void {
    const m = sigmas.length; // n + 1
    const up = new Float64Array(m);
    const down = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const step = ancestralStep(sigmas[i], i + 1 < m ? sigmas[i + 1] : 0);
      up[i] = step.up;
      down[i] = step.down;
    }
    down[m - 1] = 0;
    const interpol = new Float64Array(m);
    for (let i = 0; i < m; i++) interpol[i] = Math.fround(Math.exp(lerpHalf(flog(sigmas[i]), flog(down[i]))));
    interpol[m - 1] = 0;
    if (m >= 2) interpol[m - 2] = 0;
    this.sigmas = interleaveRepeat(sigmas);
    this.sigmasInterpol = interleaveRepeat(interpol);
    this.sigmasUp = interleaveRepeat(up);
    this.sigmasDown = interleaveRepeat(down);
    const t: number[] = [timesteps[0]];
    for (let i = 1; i < timesteps.length; i++)
      t.push(sigmaToTFloat32(interpol[i - 1], this.logSigmas), timesteps[i]);
    this.timesteps = Float64Array.from(t);
    this.saved = null;
  }

  protected override inputSigma(): number {
    const k = this.currentIndex();
    return this.saved === null ? this.sigmas[k] : this.sigmasInterpol[k - 1];
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
    const result = outputBuffer(out, n);
    if (this.saved === null) {
      const sigma = this.sigmas[k];
      const sigmaInterpol = this.sigmasInterpol[k];
      this.denoise(modelOutput, sample, sigma, this.x0);
      const dt = Math.fround(sigmaInterpol - sigma);
      this.savedBuf.set(sample);
      this.saved = this.savedBuf;
      eulerUpdateInto(result, this.savedBuf, sample, this.x0, sigma, dt);
    } else {
      const sigma = this.sigmas[k - 1];
      const sigmaInterpol = this.sigmasInterpol[k - 1];
      const sigmaUp = this.sigmasUp[k - 1];
      const sigmaDown = this.sigmasDown[k - 1];
      this.denoise(modelOutput, sample, sigmaInterpol, this.x0);
      const dt = Math.fround(sigmaDown - sigma);
      eulerUpdateInto(result, this.saved, sample, this.x0, sigmaInterpol, dt);
      randnInto(generator, this.noise);
      addNoiseInto(result, this.noise, sigmaUp);
      this.saved = null;
    }
    this.stepIndex = k + 1;
    return result;
  }
}
