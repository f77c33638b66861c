import type { TorchGenerator } from '../random/index.js';

/**
 * Samples the VAE's latent distribution as diffusers' DiagonalGaussianDistribution.sample does
 * (logvar clamped to [-30, 20], mean + exp(0.5·logvar)·randn from the generator) and applies the scaling factor.
 * Without logvar the graph already returned a sample and no random numbers are drawn, as diffusers' ONNX pipelines.
 */
export function sampleLatents(
  mean: Float32Array,
  logvar: Float32Array | null,
  shape: readonly number[],
  generator: TorchGenerator,
  scalingFactor: number,
): Float32Array {
  const out = new Float32Array(mean.length);
  if (logvar === null) {
    for (let i = 0; i < out.length; i++) out[i] = mean[i] * scalingFactor;
    return out;
  }
  const eps = generator.randn(shape);
  for (let i = 0; i < out.length; i++) {
    const lv = Math.min(20, Math.max(-30, logvar[i]));
    out[i] = (mean[i] + Math.exp(0.5 * lv) * eps[i]) * scalingFactor;
  }
  return out;
}

/** Spherical interpolation of two noise tensors (the common SD slerp; near-parallel inputs fall back to lerp). */
export function slerp(
  t: number,
  v0: Float32Array,
  v1: Float32Array,
  out = new Float32Array(v0.length),
): Float32Array {
  let dot = 0;
  let n0 = 0;
  let n1 = 0;
  for (let i = 0; i < v0.length; i++) {
    dot += v0[i] * v1[i];
    n0 += v0[i] * v0[i];
    n1 += v1[i] * v1[i];
  }
  const cos = dot / Math.sqrt(n0 * n1);
  if (!Number.isFinite(cos) || Math.abs(cos) > 0.9995) return lerp(t, v0, v1, out);
  const theta = Math.acos(cos);
  const s0 = Math.sin(theta * (1 - t)) / Math.sin(theta);
  const s1 = Math.sin(theta * t) / Math.sin(theta);
  for (let i = 0; i < v0.length; i++) out[i] = s0 * v0[i] + s1 * v1[i];
  return out;
}

export function lerp(
  t: number,
  a: Float32Array,
  b: Float32Array,
  out = new Float32Array(a.length),
): Float32Array {
  for (let i = 0; i < a.length; i++) out[i] = a[i] + (b[i] - a[i]) * t;
  return out;
}

/** Copies `src` into `dst` `times` times back to back, starting at `offset`; returns the next offset. */
export function repeatInto(dst: Float32Array, src: Float32Array, times: number, offset = 0): number {
  for (let i = 0; i < times; i++, offset += src.length) dst.set(src, offset);
  return offset;
}
