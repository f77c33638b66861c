import type { TorchGenerator } from '../random/index.js';
import { AlphaScheduler, alphaPredictions, outputBuffer } from './alpha-scheduler.js';
import { randnInto } from './noise.js';
import type { SchedulerConfig } from './types.js';

/** diffusers DDPMScheduler, variance_type "fixed_small", no sample clipping. */
export class DdpmScheduler extends AlphaScheduler {
  readonly name = 'ddpm' as const;
  private x0 = new Float32Array(0);
  private eps = new Float32Array(0);
  private noise = new Float32Array(0);

  constructor(config: SchedulerConfig = {}) {
    super(config, 'leading');
  }

  /** The next timestep of the schedule (-1 after the last one). */
  private previousTimestep(t: number): number {
    const idx = this.timesteps.indexOf(t);
    if (idx < 0) return t - 1;
    return idx === this.timesteps.length - 1 ? -1 : this.timesteps[idx + 1];
  }

  step(
    modelOutput: Float32Array,
    t: number,
    sample: Float32Array,
    generator?: TorchGenerator,
    out?: Float32Array,
  ): Float32Array {
    this.requireTimesteps();
    const n = sample.length;
    if (this.x0.length !== n) {
      this.x0 = new Float32Array(n);
      this.eps = new Float32Array(n);
      this.noise = new Float32Array(n);
    }
    const prevT = this.previousTimestep(t);
    const alphaProdT = this.alphaAt(t);
    const alphaProdPrev = prevT >= 0 ? this.alphaAt(prevT) : 1;
    const betaProdT = Math.fround(1 - alphaProdT);
    const betaProdPrev = Math.fround(1 - alphaProdPrev);
    const currentAlpha = Math.fround(alphaProdT / alphaProdPrev);
    const currentBeta = Math.fround(1 - currentAlpha);
    alphaPredictions(this.cfg, alphaProdT, modelOutput, sample, this.x0, this.eps);
    const x0Coeff = Math.fround(Math.fround(Math.fround(Math.sqrt(alphaProdPrev)) * currentBeta) / betaProdT);
    const sampleCoeff = Math.fround(
      Math.fround(Math.fround(Math.sqrt(currentAlpha)) * betaProdPrev) / betaProdT,
    );
    const result = outputBuffer(out, n);
    for (let i = 0; i < n; i++)
      result[i] = Math.fround(x0Coeff * this.x0[i]) + Math.fround(sampleCoeff * sample[i]);
    if (t > 0) {
      // Drawn after the mean, as diffusers does; fixed_small variance clamped at 1e-20.
      const variance = Math.max(
        Math.fround(Math.fround(Math.fround(1 - alphaProdPrev) / Math.fround(1 - alphaProdT)) * currentBeta),
        Math.fround(1e-20),
      );
      const std = Math.fround(Math.sqrt(variance));
      randnInto(generator, this.noise);
      for (let i = 0; i < n; i++) result[i] = result[i] + Math.fround(std * this.noise[i]);
    }
    return result;
  }
}
