import { outputBuffer } from './alpha-scheduler.js';
import { SigmaScheduler } from './sigma-scheduler.js';
import type { SchedulerConfig } from './types.js';

/**
 * diffusers HeunDiscreteScheduler: 2n-1 model calls for n steps. Timesteps
 * [t0, t1, t1, …, t_{n-1}, t_{n-1}] and σ [s0, s1, s1, …, s_{n-1}, s_{n-1}, 0]:
 * an Euler predictor to the next σ, then a trapezoid corrector at that σ; the last
 * call is an Euler step to σ = 0.
 */
export class HeunScheduler extends SigmaScheduler {
  readonly name = 'heun' as const;
  override readonly order = 2;
  private prevDerivative: Float32Array | null = null;
  private savedSample = new Float32Array(0);
  private derivative = new Float32Array(0);
  private x0 = new Float32Array(0);
  private dt: number | null = null;

  constructor(config: SchedulerConfig = {}) {
    super(config);
  }

  protected override applySchedule(timesteps: Float64Array, sigmas: Float64Array): void {
    const s: number[] = [sigmas[0]];
    for (let i = 1; i < sigmas.length - 1; i++) s.push(sigmas[i], sigmas[i]);
    s.push(sigmas[sigmas.length - 1]);
    const t: number[] = [timesteps[0]];
    for (let i = 1; i < timesteps.length; i++) t.push(timesteps[i], timesteps[i]);
    this.sigmas = Float64Array.from(s);
    this.timesteps = Float64Array.from(t);
    this.prevDerivative = null;
    this.dt = null;
  }

  private get firstOrder(): boolean {
    return this.dt === null;
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
      this.derivative = new Float32Array(n);
      this.savedSample = new Float32Array(n);
    }
    const result = outputBuffer(out, n);
    if (this.firstOrder) {
      const sigma = this.sigmas[k];
      const sigmaNext = this.sigmas[k + 1];
      this.denoise(modelOutput, sample, sigma, this.x0);
      const dt = Math.fround(sigmaNext - sigma);
      for (let i = 0; i < n; i++) this.derivative[i] = Math.fround(sample[i] - this.x0[i]) / sigma;
      this.savedSample.set(sample);
      for (let i = 0; i < n; i++) result[i] = this.savedSample[i] + Math.fround(this.derivative[i] * dt);
      this.prevDerivative = this.derivative;
      this.dt = dt;
    } else {
      const sigmaNext = this.sigmas[k];
      this.denoise(modelOutput, sample, sigmaNext, this.x0);
      const dt = this.dt as number;
      const prev = this.prevDerivative as Float32Array;
      for (let i = 0; i < n; i++) {
        const d = Math.fround(Math.fround(sample[i] - this.x0[i]) / sigmaNext);
        const avg = Math.fround(prev[i] + d) / 2;
        result[i] = this.savedSample[i] + Math.fround(avg * dt);
      }
      this.prevDerivative = null;
      this.dt = null;
    }
    this.stepIndex = k + 1;
    return result;
  }
}
