import { outputBuffer } from './alpha-scheduler.js';
import { interpIndex, npArange, npLinspace, roundHalfEven } from './numpy.js';

import { SigmaScheduler } from './sigma-scheduler.js';
import { karrasSigmas, sigmaToT } from './train-schedule.js';
import { SchedulerError, type SchedulerConfig } from './types.js';

const flog = (x: number): number => Math.fround(Math.log(x));

/** α_t = 1/sqrt(σ²+1), σ_t = σ·α_t and λ = log α_t - log σ_t, float32 like diffusers' tensors. */
function alphaSigma(sigma: number): { alpha: number; sigmaT: number; lambda: number } {
  const alpha = Math.fround(1 / Math.fround(Math.sqrt(Math.fround(Math.fround(sigma * sigma) + 1))));
  const sigmaT = Math.fround(sigma * alpha);
  return { alpha, sigmaT, lambda: Math.fround(flog(alpha) - flog(sigmaT)) };
}

/**
 * diffusers DPMSolverMultistepScheduler as SD pipelines use it for DPM++ 2M:
 * dpmsolver++, solver_order 2, midpoint, lower_order_final, final_sigmas_type "zero"
 * (so the last step is first order), optionally Karras sigmas.
 */
export class DpmSolverMultistepScheduler extends SigmaScheduler {
  readonly name: 'dpmpp_2m' | 'dpmpp_2m_karras';
  private readonly karras: boolean;
  private readonly lowerOrderFinal: boolean;
  private readonly finalSigmaZero: boolean;
  private readonly eulerAtFinal: boolean;
  private readonly x0Prev: Float32Array[] = [new Float32Array(0), new Float32Array(0)];
  private lowerOrderNums = 0;

  constructor(config: SchedulerConfig = {}, karras = false) {
    super(config);
    this.karras = karras || config.use_karras_sigmas === true;
    this.name = this.karras ? 'dpmpp_2m_karras' : 'dpmpp_2m';
    this.lowerOrderFinal = config.lower_order_final !== false;
    this.eulerAtFinal = config.euler_at_final === true;
    const finalType = config.final_sigmas_type ?? 'zero';
    if (finalType !== 'zero' && finalType !== 'sigma_min') {
      throw new SchedulerError(
        `final_sigmas_type must be "zero" or "sigma_min", got ${JSON.stringify(finalType)}`,
      );
    }
    this.finalSigmaZero = finalType === 'zero';
    if ((config.solver_order ?? 2) !== 2 || (config.algorithm_type ?? 'dpmsolver++') !== 'dpmsolver++') {
      throw new SchedulerError('only DPM++ 2M (dpmsolver++, solver_order 2) is supported');
    }
  }

  override get initNoiseSigma(): number {
    return 1;
  }

  override setTimesteps(numInferenceSteps: number): void {
    if (!Number.isInteger(numInferenceSteps) || numInferenceSteps < 1) {
      throw new SchedulerError(`numInferenceSteps must be a positive integer, got ${numInferenceSteps}`);
    }
    const n = numInferenceSteps;
    const T = this.cfg.numTrainTimesteps;
    let timesteps: Float64Array;
    let sigmas: Float64Array;
    if (this.karras) {
      // Karras sigmas ignore the spacing: σ from σ_max to σ_min, timesteps from σ.
      sigmas = karrasSigmas(this.trainSigmasF32[0], this.trainSigmasF32[T - 1], n);
      timesteps = sigmas.map((s) => roundHalfEven(sigmaToT(s, this.logSigmas)));
    } else {
      switch (this.cfg.spacing) {
        case 'linspace':
          timesteps = npLinspace(0, T - 1, n + 1)
            .map(roundHalfEven)
            .reverse()
            .slice(0, n);
          break;
        case 'leading': {
          const ratio = Math.floor(T / (n + 1));
          timesteps = npArange(0, n + 1, 1)
            .map((i) => i * ratio + this.cfg.stepsOffset)
            .reverse()
            .slice(0, n);
          break;
        }
        case 'trailing':
          timesteps = npArange(T, 0, -T / n).map((v) => roundHalfEven(v) - 1);
          break;
      }
      sigmas = timesteps.map((t) => interpIndex(t, this.trainSigmasF32));
    }
    this.timesteps = timesteps;
    const sigmaLast = this.finalSigmaZero ? 0 : this.trainSigmasF32[0];
    this.sigmas = Float64Array.from([...sigmas, sigmaLast], Math.fround);
    this.stepIndex = null;
    this.beginIndex = null;
    this.lowerOrderNums = 0;
  }

  override scaleModelInput(sample: Float32Array, t: number, out?: Float32Array): Float32Array {
    this.initStepIndex(t);
    if (!out) return sample.slice();
    if (out !== sample) out.set(sample);
    return out;
  }

  override addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    const index = this.beginIndex === null ? this.indexForTimestep(t) : (this.stepIndex ?? this.beginIndex);
    const { alpha, sigmaT } = alphaSigma(this.sigmas[index]);
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++)
      out[i] = Math.fround(alpha * original[i]) + Math.fround(sigmaT * noise[i]);
    return out;
  }

  /** DPM's index_for_timestep: an unknown timestep maps to the last step. */
  protected override indexForTimestep(t: number): number {
    if (this.timesteps.indexOf(t) < 0) return this.timesteps.length - 1;
    return super.indexForTimestep(t);
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
    const steps = this.timesteps.length;
    // The last step is first order with final_sigmas_type "zero", euler_at_final, or (lower_order_final) < 15 steps.
    const lowerOrderFinal =
      k === steps - 1 && (this.eulerAtFinal || (this.lowerOrderFinal && steps < 15) || this.finalSigmaZero);

    // model_outputs[-1] = x0 prediction; rotate the two buffers.
    let [older, latest] = this.x0Prev;
    if (older.length !== n) {
      older = new Float32Array(n);
      latest = new Float32Array(n);
    }
    [older, latest] = [latest, older];
    this.x0Prev[0] = older;
    this.x0Prev[1] = latest;
    const cur = alphaSigma(this.sigmas[k]);
    this.convert(modelOutput, sample, cur.alpha, cur.sigmaT, latest);

    const next = alphaSigma(this.sigmas[k + 1]);
    const h = Math.fround(next.lambda - cur.lambda);
    const expm = Math.fround(Math.fround(Math.exp(-h)) - 1);
    const c0 = Math.fround(next.sigmaT / cur.sigmaT);
    const c1 = Math.fround(next.alpha * expm);
    const result = outputBuffer(out, n);
    if (this.lowerOrderNums < 1 || lowerOrderFinal) {
      for (let i = 0; i < n; i++) result[i] = Math.fround(c0 * sample[i]) - Math.fround(c1 * latest[i]);
    } else {
      const prev = alphaSigma(this.sigmas[k - 1]);
      const h0 = Math.fround(cur.lambda - prev.lambda);
      const r0 = Math.fround(h0 / h);
      const invR0 = Math.fround(1 / r0);
      const c2 = Math.fround(0.5 * c1);
      for (let i = 0; i < n; i++) {
        const d1 = Math.fround(invR0 * Math.fround(latest[i] - older[i]));
        result[i] =
          Math.fround(Math.fround(c0 * sample[i]) - Math.fround(c1 * latest[i])) - Math.fround(c2 * d1);
      }
    }
    if (this.lowerOrderNums < 2) this.lowerOrderNums++;
    this.stepIndex = k + 1;
    return result;
  }

  /** dpmsolver++ works on the data prediction x0. */
  private convert(
    modelOutput: Float32Array,
    sample: Float32Array,
    alpha: number,
    sigmaT: number,
    x0: Float32Array,
  ): void {
    const v = this.cfg.predictionType === 'v_prediction';
    for (let i = 0; i < sample.length; i++) {
      x0[i] = v
        ? Math.fround(alpha * sample[i]) - Math.fround(sigmaT * modelOutput[i])
        : this.cfg.predictionType === 'sample'
          ? modelOutput[i]
          : Math.fround(sample[i] - Math.fround(sigmaT * modelOutput[i])) / alpha;
    }
  }
}
