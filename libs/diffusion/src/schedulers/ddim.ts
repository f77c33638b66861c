import { AlphaScheduler, alphaPredictions, outputBuffer } from './alpha-scheduler.js';
import type { SchedulerConfig } from './types.js';

/** diffusers DDIMScheduler with eta = 0 (deterministic). */
export class DdimScheduler extends AlphaScheduler {
  readonly name = 'ddim' as const;
  private readonly finalAlphaCumprod: number;
  private x0 = new Float32Array(0);
  private eps = new Float32Array(0);

  constructor(config: SchedulerConfig = {}) {
    super(config, 'leading');
    this.finalAlphaCumprod = this.cfg.setAlphaToOne ? 1 : this.alphasCumprod[0];
  }

  step(
    modelOutput: Float32Array,
    t: number,
    sample: Float32Array,
    _g?: unknown,
    out?: Float32Array,
  ): Float32Array {
    this.requireTimesteps();
    const n = sample.length;
    if (this.x0.length !== n) {
      this.x0 = new Float32Array(n);
      this.eps = new Float32Array(n);
    }
    // diffusers steps back by T // n whatever the spacing (so linspace lands between its own timesteps).
    const prevT = t - Math.floor(this.cfg.numTrainTimesteps / this.numInferenceSteps);
    const alphaProdT = this.alphaAt(t);
    const alphaProdPrev = prevT >= 0 ? this.alphaAt(prevT) : this.finalAlphaCumprod;
    alphaPredictions(this.cfg, alphaProdT, modelOutput, sample, this.x0, this.eps);
    const dirCoeff = Math.fround(Math.sqrt(Math.fround(1 - alphaProdPrev)));
    const x0Coeff = Math.fround(Math.sqrt(alphaProdPrev));
    const result = outputBuffer(out, n);
    for (let i = 0; i < n; i++)
      result[i] = Math.fround(x0Coeff * this.x0[i]) + Math.fround(dirCoeff * this.eps[i]);
    return result;
  }
}
