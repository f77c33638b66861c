// Per-array pieces the k-diffusion style schedulers share. Each call runs a whole array, never one element:
// a call per element across modules is far slower under vitest.
// Math.fround is written out everywhere in the numerics: through a module-level alias (`const f32 =
// Math.fround`) V8 (Node 24) compiles a real call per element in functions it does not inline, which made
// the Euler update ~10x slower (180 vs 20 µs on 4096 values).

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
    const d = Math.fround(Math.fround(sample[i] - x0[i]) / sigma);
    result[i] = base[i] + Math.fround(d * dt);
  }
}

/** x += noise·σ_up in float32: the ancestral schedulers' fresh noise. */
export function addNoiseInto(x: Float32Array, noise: Float32Array, sigmaUp: number): void {
  for (let i = 0; i < x.length; i++) x[i] = x[i] + Math.fround(noise[i] * sigmaUp);
}

/** σ_up = sqrt(σ_to² (σ_from² - σ_to²) / σ_from²), σ_down = sqrt(σ_to² - σ_up²), float32. */
export function ancestralStep(sigmaFrom: number, sigmaTo: number): { up: number; down: number } {
  const from2 = Math.fround(sigmaFrom * sigmaFrom);
  const to2 = Math.fround(sigmaTo * sigmaTo);
  const up = Math.fround(Math.sqrt(Math.fround(Math.fround(to2 * Math.fround(from2 - to2)) / from2)));
  const down = Math.fround(Math.sqrt(Math.fround(to2 - Math.fround(up * up))));
  return { up, down };
}
