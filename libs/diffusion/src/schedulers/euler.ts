import type { TorchGenerator } from '../random/index.js';
import { outputBuffer } from './alpha-scheduler.js';
import { randnInto } from './noise.js';
import { SigmaScheduler } from './sigma-scheduler.js';
import type { SchedulerConfig } from './types.js';

const f32 = Math.fround;

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
    const dt = f32(this.sigmas[k + 1] - sigma);
    if (this.x0.length !== sample.length) this.x0 = new Float32Array(sample.length);
    this.denoise(modelOutput, sample, sigma, this.x0);
    const result = outputBuffer(out, sample.length);
    for (let i = 0; i < sample.length; i++) {
      const s = sample[i];
      const derivative = f32(f32(s - this.x0[i]) / sigma);
      result[i] = s + f32(derivative * dt);
    }
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
    const dt = f32(down - sigma);
    this.denoise(modelOutput, sample, sigma, this.x0);
    const result = outputBuffer(out, n);
    for (let i = 0; i < n; i++) {
      const s = sample[i];
      const derivative = f32(f32(s - this.x0[i]) / sigma);
      result[i] = s + f32(derivative * dt);
    }
    randnInto(generator, this.noise);
    for (let i = 0; i < n; i++) result[i] = result[i] + f32(this.noise[i] * up);
    this.stepIndex = k + 1;
    return result;
  }
}

/** σ_up = sqrt(σ_to² (σ_from² - σ_to²) / σ_from²), σ_down = sqrt(σ_to² - σ_up²), float32. */
export function ancestralStep(sigmaFrom: number, sigmaTo: number): { up: number; down: number } {
  const from2 = f32(sigmaFrom * sigmaFrom);
  const to2 = f32(sigmaTo * sigmaTo);
  const up = f32(Math.sqrt(f32(f32(to2 * f32(from2 - to2)) / from2)));
  const down = f32(Math.sqrt(f32(to2 - f32(up * up))));
  return { up, down };
}
