import { outputBuffer } from './alpha-scheduler.js';
import { SigmaScheduler } from './sigma-scheduler.js';
import type { SchedulerConfig } from './types.js';

const LMS_ORDER = 4;

/** Gauss–Legendre nodes and weights on [-1, 1] (Newton on P_n); exact for degree ≤ 2n-1. */
function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes[i] = x;
    weights[i] = 2 / ((1 - x * x) * dp * dp);
  }
  return { nodes, weights };
}

// The Lagrange basis polynomials have degree ≤ 3; 8 points integrate up to degree 15 exactly,
// matching scipy.integrate.quad (which diffusers calls) to rounding.
const GL = gaussLegendre(8);

/** diffusers LMSDiscreteScheduler (order 4): linear multistep over stored derivatives. */
export class LmsScheduler extends SigmaScheduler {
  readonly name = 'lms' as const;
  private derivatives: Float32Array[] = [];
  private x0 = new Float32Array(0);
  private acc = new Float32Array(0);

  constructor(config: SchedulerConfig = {}) {
    super(config);
  }

  override setTimesteps(numInferenceSteps: number): void {
    super.setTimesteps(numInferenceSteps);
    this.derivatives = [];
  }

  /** ∫_{σ_t}^{σ_{t+1}} Π_{k≠j} (τ - σ_{t-k}) / (σ_{t-j} - σ_{t-k}) dτ. */
  lmsCoefficient(order: number, t: number, currentOrder: number): number {
    const s = this.sigmas;
    const basis = (tau: number): number => {
      let prod = 1;
      for (let k = 0; k < order; k++) {
        if (k === currentOrder) continue;
        prod *= (tau - s[t - k]) / (s[t - currentOrder] - s[t - k]);
      }
      return prod;
    };
    const a = s[t];
    const b = s[t + 1];
    const half = (b - a) / 2;
    const mid = (a + b) / 2;
    let sum = 0;
    for (let i = 0; i < GL.nodes.length; i++) sum += GL.weights[i] * basis(mid + half * GL.nodes[i]);
    return sum * half;
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
      this.acc = new Float32Array(n);
    }
    const sigma = this.sigmas[k];
    this.denoise(modelOutput, sample, sigma, this.x0);
    // Reuse the oldest derivative buffer once LMS_ORDER are held.
    const d = this.derivatives.length >= LMS_ORDER ? this.derivatives.shift()! : new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = Math.fround(sample[i] - this.x0[i]) / sigma;
    this.derivatives.push(d);
    const order = Math.min(k + 1, LMS_ORDER);
    const acc = this.acc;
    // sum(coeff * derivative for coeff, derivative in zip(coeffs, reversed(derivatives))), in float32. zip stops at
    // the shorter list: a schedule that starts part-way (img2img) holds fewer derivatives than the order, and
    // diffusers then uses the first coefficients of the full order with the derivatives it has.
    const terms = Math.min(order, this.derivatives.length);
    for (let j = 0; j < terms; j++) {
      const c = Math.fround(this.lmsCoefficient(order, k, j));
      const dj = this.derivatives[this.derivatives.length - 1 - j];
      for (let i = 0; i < n; i++) acc[i] = j === 0 ? Math.fround(c * dj[i]) : acc[i] + Math.fround(c * dj[i]);
    }
    const result = outputBuffer(out, n);
    for (let i = 0; i < n; i++) result[i] = sample[i] + acc[i];
    this.stepIndex = k + 1;
    return result;
  }
}
