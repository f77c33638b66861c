/**
 * The few numpy/torch numerics the diffusers schedulers depend on, reproduced
 * exactly (np.linspace, np.arange, np.round's half-to-even, np.interp).
 */
/** np.round: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** np.linspace(start, stop, num) in float64 (endpoint included). */
export function npLinspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** np.arange(start, stop, step) for float or integer steps. */
export function npArange(start: number, stop: number, step: number): Float64Array {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(n);
  // numpy fills from the first two values: delta = (start + step) - start.
  const delta = start + step - start;
  for (let i = 0; i < n; i++) out[i] = start + i * delta;
  return out;
}

/** np.interp(x, [0, 1, …, fp.length-1], fp) for x inside the range (float64 math). */
export function interpIndex(x: number, fp: ArrayLike<number>): number {
  const last = fp.length - 1;
  if (x <= 0) return fp[0];
  if (x >= last) return fp[last];
  const j = Math.floor(x);
  const slope = (fp[j + 1] - fp[j]) / 1;
  return slope * (x - j) + fp[j];
}

export function reversed(a: Float64Array): Float64Array {
  return a.slice().reverse();
}
