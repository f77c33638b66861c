import type { TorchGenerator } from '../random/index.js';
import { outputBuffer } from './alpha-scheduler.js';
import { addNoiseInto, ancestralStep, eulerUpdateInto } from './k-diffusion-step.js';
import { randnInto } from './noise.js';
import { SigmaScheduler } from './sigma-scheduler.js';
import type { SchedulerConfig } from './types.js';

/** diffusers EulerDiscreteScheduler (s_churn = 0): x += (x - x0)/σ · (σ_next - σ). */
export class EulerScheduler extends SigmaScheduler {
  readonly name = 'euler' as const;
  private x0 = new Float32Array(0);

  constructor(config: SchedulerConfig = {}) {
    super(config);
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
    const sigma = this.sigmas[k];
    const dt = Math.fround(this.sigmas[k + 1] - sigma);
    if (this.x0.length !== sample.length) this.x0 = new Float32Array(sample.length);
    this.denoise(modelOutput, sample, sigma, this.x0);
    const result = outputBuffer(out, sample.length);
    eulerUpdateInto(result, sample, sample, this.x0, sigma, dt);
    this.stepIndex = k + 1;
    return result;
  }
}

/** diffusers EulerAncestralDiscreteScheduler: Euler to σ_down, then noise·σ_up (drawn every step). */
export class EulerAncestralScheduler extends SigmaScheduler {
  readonly name = 'euler_a' as const;
  private x0 = new Float32Array(0);
  private noise = new Float32Array(0);

  constructor(config: SchedulerConfig = {}) {
    super(config);
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
      this.noise = new Float32Array(n);
    }
    const sigma = this.sigmas[k];
    const sigmaTo = this.sigmas[k + 1];
    const { up, down } = ancestralStep(sigma, sigmaTo);
    const dt = Math.fround(down - sigma);
    this.denoise(modelOutput, sample, sigma, this.x0);
    const result = outputBuffer(out, n);
    eulerUpdateInto(result, sample, sample, this.x0, sigma, dt);
    randnInto(generator, this.noise);
    addNoiseInto(result, this.noise, up);
    this.stepIndex = k + 1;
    return result;
  }
}
