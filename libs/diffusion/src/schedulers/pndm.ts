import { AlphaScheduler, checkSteps, outputBuffer } from './alpha-scheduler.js';
import { npArange, npLinspace, roundHalfEven } from './numpy.js';

import { SchedulerError, type SchedulerConfig } from './types.js';

/**
 * diffusers PNDMScheduler with skip_prk_steps (PLMS): n + 1 model calls, the second
 * timestep repeated; linear multistep over up to 4 stored ε with the DDIM-style transfer.
 */
export class PndmScheduler extends AlphaScheduler {
  readonly name = 'pndm' as const;
  private readonly finalAlphaCumprod: number;
  private readonly ets: Float32Array[] = [];
  private etsCount = 0;
  private counter = 0;
  private curSample: Float32Array | null = null;
  private combined = new Float32Array(0);
  private savedSample = new Float32Array(0);

  constructor(config: SchedulerConfig = {}) {
    super(config, 'leading');
    if (config.skip_prk_steps === false) {
      throw new SchedulerError('PNDM with Runge–Kutta warm-up (skip_prk_steps=false) is not supported');
    }
    this.finalAlphaCumprod = this.cfg.setAlphaToOne ? 1 : this.alphasCumprod[0];
  }

  override setTimesteps(numInferenceSteps: number): void {
    checkSteps(numInferenceSteps, this.cfg.numTrainTimesteps);
    this.numInferenceSteps = numInferenceSteps;
    const T = this.cfg.numTrainTimesteps;
    let ascending: Float64Array;
    switch (this.cfg.spacing) {
      case 'linspace':
        ascending = npLinspace(0, T - 1, numInferenceSteps).map(roundHalfEven);
        break;
      case 'leading': {
        const ratio = Math.floor(T / numInferenceSteps);
        ascending = npArange(0, numInferenceSteps, 1).map((i) => i * ratio + this.cfg.stepsOffset);
        break;
      }
      case 'trailing':
        ascending = npArange(T, 0, -T / numInferenceSteps)
          .map((v) => roundHalfEven(v) - 1)
          .reverse();
        break;
    }
    // plms = concat(ts[:-1], ts[-2:-1], ts[-1:])[::-1]
    const n = ascending.length;
    const plms = [
      ...ascending.slice(0, n - 1),
      ...ascending.slice(Math.max(0, n - 2), n - 1),
      ascending[n - 1],
    ];
    this.timesteps = Float64Array.from(plms.reverse());
    this.etsCount = 0;
    this.ets.length = 0;
    this.counter = 0;
    this.curSample = null;
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
    if (this.combined.length !== n) {
      this.combined = new Float32Array(n);
      this.savedSample = new Float32Array(n);
    }
    const stride = Math.floor(this.cfg.numTrainTimesteps / this.numInferenceSteps);
    let timestep = t;
    let prevTimestep = t - stride;
    if (this.counter !== 1) {
      this.pushEt(modelOutput);
    } else {
      prevTimestep = t;
      timestep = t + stride;
    }
    const e = this.combined;
    const [e1, e2, e3, e4] = [this.et(1), this.et(2), this.et(3), this.et(4)];
    let x = sample;
    if (this.etsCount === 1 && this.counter === 0) {
      e.set(modelOutput);
      this.savedSample.set(sample);
      this.curSample = this.savedSample;
    } else if (this.etsCount === 1 && this.counter === 1) {
      for (let i = 0; i < n; i++) e[i] = Math.fround(modelOutput[i] + e1[i]) / 2;
      if (!this.curSample) throw new SchedulerError('PNDM state lost between its first two steps');
      x = this.curSample;
      this.curSample = null;
    } else if (this.etsCount === 2) {
      for (let i = 0; i < n; i++) e[i] = Math.fround(Math.fround(3 * e1[i]) - e2[i]) / 2;
    } else if (this.etsCount === 3) {
      for (let i = 0; i < n; i++)
        e[i] =
          Math.fround(
            Math.fround(Math.fround(23 * e1[i]) - Math.fround(16 * e2[i])) + Math.fround(5 * e3[i]),
          ) / 12;
    } else {
      const c = Math.fround(1 / 24);
      for (let i = 0; i < n; i++) {
        const s = Math.fround(
          Math.fround(
            Math.fround(Math.fround(55 * e1[i]) - Math.fround(59 * e2[i])) + Math.fround(37 * e3[i]),
          ) - Math.fround(9 * e4[i]),
        );
        e[i] = c * s;
      }
    }
    const result = outputBuffer(out, n);
    this.prevSample(x, timestep, prevTimestep, e, result);
    this.counter++;
    return result;
  }

  /** Keep the last 4 model outputs (ring of reusable buffers). */
  private pushEt(modelOutput: Float32Array): void {
    let buf: Float32Array;
    if (this.ets.length < 4 || this.ets[0].length !== modelOutput.length) {
      if (this.ets.length >= 4) this.ets.length = 0;
      buf = new Float32Array(modelOutput.length);
    } else {
      buf = this.ets.shift()!;
    }
    buf.set(modelOutput);
    this.ets.push(buf);
    this.etsCount = Math.min(this.etsCount + 1, 4);
  }

  /** ets[-k]. */
  private et(k: number): Float32Array {
    return this.ets[this.ets.length - k] ?? this.combined;
  }

  /** Formula (9) of the PNDM paper, float32 as diffusers' _get_prev_sample. */
  private prevSample(
    sample: Float32Array,
    t: number,
    prevT: number,
    eps: Float32Array,
    out: Float32Array,
  ): void {
    const a = this.alphaAt(t);
    const aPrev = prevT >= 0 ? this.alphaAt(prevT) : this.finalAlphaCumprod;
    const b = Math.fround(1 - a);
    const bPrev = Math.fround(1 - aPrev);
    const v = this.cfg.predictionType === 'v_prediction';
    const sampleCoeff = Math.fround(Math.sqrt(Math.fround(aPrev / a)));
    const denom = Math.fround(
      Math.fround(a * Math.fround(Math.sqrt(bPrev))) +
        Math.fround(Math.sqrt(Math.fround(Math.fround(a * b) * aPrev))),
    );
    const diff = Math.fround(aPrev - a);
    const sa = Math.fround(Math.sqrt(a));
    const sb = Math.fround(Math.sqrt(b));
    for (let i = 0; i < out.length; i++) {
      const m = v ? Math.fround(Math.fround(sa * eps[i]) + Math.fround(sb * sample[i])) : eps[i];
      out[i] = Math.fround(sampleCoeff * sample[i]) - Math.fround(Math.fround(diff * m) / denom);
    }
  }
}
