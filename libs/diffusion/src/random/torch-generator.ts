import { boxMullerBlocks } from './avx-mathfun.js';
import { Mt19937 } from './mt19937.js';

const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M53 = 2 ** -53;
const TWO_POW_32 = 2 ** 32;
const TWO_PI = 2 * Math.PI;
/** torch's vectorised normal path needs at least this many contiguous floats. */
const VECTOR_MIN = 16;

/** Number of elements of a shape; throws on a negative or non-integer dimension. */
export function shapeNumel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`invalid tensor shape [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

/** torch.Generator('cpu').manual_seed(seed) takes the seed modulo 2^64 and mt19937 keeps its low 32 bits. */
function seedToUint32(seed: number | bigint): number {
  if (typeof seed === 'bigint') return Number(BigInt.asUintN(32, seed));
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  return seed >>> 0;
}

/**
 * A CPU torch.Generator: same stream as `torch.randn(shape, generator=g)` and
 * `torch.rand(shape, generator=g)` for float32 (and float64) tensors.
 * Draws continue the stream across calls, including the cached second normal of
 * torch's scalar path (used when numel < 16).
 */
export class TorchGenerator {
  readonly initialSeed: number;
  private readonly engine: Mt19937;
  private cachedNormal: number | null = null;

  constructor(seed: number | bigint) {
    this.initialSeed = seedToUint32(seed);
    this.engine = new Mt19937(this.initialSeed);
  }

  /** manual_seed: restarts the stream and clears the cached normal. */
  manualSeed(seed: number | bigint): this {
    this.engine.seed(seedToUint32(seed));
    this.cachedNormal = null;
    return this;
  }

  randn(shape: readonly number[]): Float32Array {
    return this.randnInto(new Float32Array(shapeNumel(shape)));
  }

  rand(shape: readonly number[]): Float32Array {
    const out = new Float32Array(shapeNumel(shape));
    for (let i = 0; i < out.length; i++) out[i] = this.uniform24();
    return out;
  }

  /** randn into an existing buffer (its length is the numel): no allocation. */
  randnInto(out: Float32Array): Float32Array {
    const n = out.length;
    if (n >= VECTOR_MIN) {
      this.engine.fillUniform24(out, 0, n);
      boxMullerBlocks(out, 0, Math.floor(n / VECTOR_MIN));
      if (n % VECTOR_MIN !== 0) {
        // torch recomputes the last 16 values from fresh uniforms (overlapping the previous block).
        const start = n - VECTOR_MIN;
        this.engine.fillUniform24(out, start, n);
        boxMullerBlocks(out, start, 1);
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = this.scalarNormal();
    }
    return out;
  }

  /** torch.randn(..., dtype=torch.float64). */
  randnFloat64(shape: readonly number[]): Float64Array {
    const out = new Float64Array(shapeNumel(shape));
    const n = out.length;
    if (n >= VECTOR_MIN) {
      for (let i = 0; i < n; i++) out[i] = this.uniform53();
      for (let i = 0; i + VECTOR_MIN <= n; i += VECTOR_MIN) boxMuller16Float64(out, i);
      if (n % VECTOR_MIN !== 0) {
        const start = n - VECTOR_MIN;
        for (let i = start; i < n; i++) out[i] = this.uniform53();
        boxMuller16Float64(out, start);
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = this.scalarNormal();
    }
    return out;
  }

  /** torch.rand(..., dtype=torch.float64). */
  randFloat64(shape: readonly number[]): Float64Array {
    const out = new Float64Array(shapeNumel(shape));
    for (let i = 0; i < out.length; i++) out[i] = this.uniform53();
    return out;
  }

  /** uniform_real_distribution<float>: 24 bits of one 32-bit output. */
  private uniform24(): number {
    return (this.engine.nextUint32() & 0xffffff) * TWO_POW_M24;
  }

  /** uniform_real_distribution<double>: 53 bits of (a << 32 | b). */
  private uniform53(): number {
    const hi = this.engine.nextUint32() & 0x1fffff; // only the low 21 bits of `a` survive the 53-bit mask
    const lo = this.engine.nextUint32();
    return (hi * TWO_POW_32 + lo) * TWO_POW_M53;
  }

  /** at::normal_distribution<double> with the generator's cached second value. */
  private scalarNormal(): number {
    if (this.cachedNormal !== null) {
      const v = this.cachedNormal;
      this.cachedNormal = null;
      return v;
    }
    const u1 = this.uniform53();
    const u2 = this.uniform53();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = TWO_PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/** normal_fill_16 for float64 (plain double math). */
function boxMuller16Float64(data: Float64Array, offset: number): void {
  for (let j = offset; j < offset + 8; j++) {
    const u1 = 1 - data[j];
    const u2 = data[j + 8];
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = TWO_PI * u2;
    data[j] = radius * Math.cos(theta);
    data[j + 8] = radius * Math.sin(theta);
  }
}

/** torch.randn(shape, generator=torch.Generator('cpu').manual_seed(seed)). */
export function torchRandn(shape: readonly number[], seed: number): Float32Array {
  return new TorchGenerator(seed).randn(shape);
}
