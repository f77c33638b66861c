/**
 * Scalar emulation of the float32 math in torch's AVX2 normal_fill (avx_mathfun.h's
 * log256_ps and sincos256_ps, Cephes polynomials) with the multiply-adds fused into FMAs as
 * GCC compiles them. With it, TorchGenerator.randn matches torch's CPU randn bit for bit on
 * every fixture value (a plain Math.log/cos/sin version was off by 1 ulp on a fifth of them).
 */
const bitsF = new Float32Array(1);
const bitsU = new Uint32Array(bitsF.buffer);

/**
 * float32 fma(a, b, c): a·b is exact in double, so one double add and one rounding to float32.
 * That double rounding differs from a true FMA only when the double sum lands exactly on a
 * float32 tie (about 2^-28 of the wide sums); we accept that rare 1-ulp risk to keep this
 * small enough for V8 to inline everywhere (a TwoSum tie fix made randn four times slower).
 */
export function fma32(a: number, b: number, c: number): number {
  return Math.fround(a * b + c);
}

const MIN_NORM_POS = 1.1754943508222875e-38;
const SQRTHF = Math.fround(Math.SQRT1_2); // Cephes 0.707106781186547524
const LOG_P0 = Math.fround(7.0376836292e-2);
const LOG_P1 = Math.fround(-1.151461031e-1);
const LOG_P2 = Math.fround(1.167699874e-1);
const LOG_P3 = Math.fround(-1.2420140846e-1);
const LOG_P4 = Math.fround(1.4249322787e-1);
const LOG_P5 = Math.fround(-1.6668057665e-1);
const LOG_P6 = Math.fround(2.0000714765e-1);
const LOG_P7 = Math.fround(-2.4999993993e-1);
const LOG_P8 = Math.fround(3.3333331174e-1);
const LOG_Q1 = Math.fround(-2.1219444e-4);
const LOG_Q2 = Math.fround(0.693359375);

const FOPI = Math.fround(1.27323954473516);
const DP1 = Math.fround(-0.78515625);
const DP2 = Math.fround(-2.4187564849853515625e-4);
const DP3 = Math.fround(-3.774894977445941e-8); // Cephes -3.77489497744594108e-8
const SIN_P0 = Math.fround(-1.9515295891e-4);
const SIN_P1 = Math.fround(8.3321608736e-3);
const SIN_P2 = Math.fround(-1.6666654611e-1);
const COS_P0 = Math.fround(2.443315711809948e-5);
const COS_P1 = Math.fround(-1.388731625493765e-3);
const COS_P2 = Math.fround(4.166664568298827e-2);

const TWO_PI_F32 = Math.fround(2 * Math.PI);
/** Box–Muller radii of the pairs being drawn, reused across calls (grows to the largest draw). */
let radii = new Float64Array(128);

/**
 * torch's normal_fill_16_AVX2 on each of `blocks` consecutive 16-value blocks from `offset`: Box–Muller on the
 * pairs (data[j], data[j+8]) of a block, in float32. Two passes over all blocks (radii, then angles) with every
 * polynomial written out in the loop body: each pair's chain of dependent float32 steps is long, and straight
 * loops let the CPU overlap the chains of neighbouring pairs (calls per lane kept it from doing so).
 */
export function boxMullerBlocks(data: Float32Array, offset: number, blocks: number): void {
  const pairs = blocks * 8;
  if (radii.length < pairs) radii = new Float64Array(pairs);
  radiiPass(data, offset, pairs);
  anglesPass(data, offset, pairs);
}

/** First pass: each pair's radius into `radii` (its own function: one hot loop, optimised on its own). */
function radiiPass(data: Float32Array, offset: number, pairs: number): void {
  for (let p = 0; p < pairs; p++) {
    // radius = sqrt(-2·log256_ps(1 - u)), u the first value of the pair.
    bitsF[0] = Math.max(Math.fround(1 - data[offset + p + (p & ~7)]), MIN_NORM_POS);
    const bits = bitsU[0];
    bitsU[0] = (bits & ~0x7f800000) | 0x3f000000; // the mantissa with 0.5's exponent
    let x = bitsF[0];
    let e = Math.fround((bits >>> 23) - 0x7f + 1);
    if (x < SQRTHF) {
      e = Math.fround(e - 1);
      x = Math.fround(Math.fround(x - 1) + x);
    } else {
      x = Math.fround(x - 1);
    }
    const z = Math.fround(x * x);
    let y = fma32(LOG_P0, x, LOG_P1);
    y = fma32(y, x, LOG_P2);
    y = fma32(y, x, LOG_P3);
    y = fma32(y, x, LOG_P4);
    y = fma32(y, x, LOG_P5);
    y = fma32(y, x, LOG_P6);
    y = fma32(y, x, LOG_P7);
    y = fma32(y, x, LOG_P8);
    y = Math.fround(Math.fround(y * x) * z);
    y = fma32(e, LOG_Q1, y);
    y = fma32(z, -0.5, y);
    const log = fma32(e, LOG_Q2, Math.fround(x + y));
    radii[p] = Math.fround(Math.sqrt(Math.fround(-2 * log)));
  }
}

/** Second pass: each pair's angle, the two normals written over the pair. */
function anglesPass(data: Float32Array, offset: number, pairs: number): void {
  for (let p = 0; p < pairs; p++) {
    // sincos256_ps(2π·u), u the second value of the pair (θ ≥ 0), scaled by the radius.
    const lane = offset + p + (p & ~7);
    const theta = Math.fround(TWO_PI_F32 * data[lane + 8]);
    const j = (Math.trunc(Math.fround(theta * FOPI)) + 1) & ~1;
    // Cody–Waite reduction by π/4 in three parts.
    let x = fma32(j, DP1, theta);
    x = fma32(j, DP2, x);
    x = fma32(j, DP3, x);
    const z = Math.fround(x * x);
    let yc = fma32(COS_P0, z, COS_P1);
    yc = fma32(yc, z, COS_P2);
    yc = Math.fround(Math.fround(yc * z) * z);
    yc = Math.fround(fma32(z, -0.5, yc) + 1);
    let ys = fma32(SIN_P0, z, SIN_P1);
    ys = fma32(ys, z, SIN_P2);
    ys = fma32(Math.fround(ys * z), x, x);
    const sinFromSinPoly = (j & 2) === 0;
    const sin = sinFromSinPoly ? ys : yc;
    const cos = sinFromSinPoly ? yc : ys;
    const radius = radii[p];
    data[lane] = radius * ((~(j - 2) & 4) !== 0 ? -cos : cos);
    data[lane + 8] = radius * ((j & 4) !== 0 ? -sin : sin);
  }
}
