// Per-array pieces the k-diffusion style schedulers share. Each call runs a whole array, never one element:
// a call per element across modules is far slower under vitest.
const f32 = Math.fround;

/**
 * k-diffusion's Euler update in float32: result = base + ((sample - x0) / σ)·dt, the derivative taken at
 * `sample` with x0 its prediction at σ. `result` may alias `sample` or `base`.
 */
export function eulerUpdateInto(
  result: Float32Array,
  base: Float32Array,
  sample: Float32Array,
  x0: Float32Array,
  sigma: number,
  dt: number,
): void {
  for (let i = 0; i < result.length; i++) {
    const d = f32(f32(sample[i] - x0[i]) / sigma);
    result[i] = base[i] + f32(d * dt);
  }
}

/** x += noise·σ_up in float32: the ancestral schedulers' fresh noise. */
export function addNoiseInto(x: Float32Array, noise: Float32Array, sigmaUp: number): void {
  for (let i = 0; i < x.length; i++) x[i] = x[i] + f32(noise[i] * sigmaUp);
}

/** σ_up = sqrt(σ_to² (σ_from² - σ_to²) / σ_from²), σ_down = sqrt(σ_to² - σ_up²), float32. */
export function ancestralStep(sigmaFrom: number, sigmaTo: number): { up: number; down: number } {
  const from2 = f32(sigmaFrom * sigmaFrom);
  const to2 = f32(sigmaTo * sigmaTo);
  const up = f32(Math.sqrt(f32(f32(to2 * f32(from2 - to2)) / from2)));
  const down = f32(Math.sqrt(f32(to2 - f32(up * up))));
  return { up, down };
}
