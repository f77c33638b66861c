/**
 * A1111's "Original" emphasis: multiply each token's hidden state by its weight, then rescale the chunk so
 * its mean equals the mean before weighting. `hidden` is one chunk [tokens, hiddenSize], changed in place.
 */
export function applyEmphasis(
  hidden: Float32Array,
  multipliers: readonly number[],
  hiddenSize: number,
): void {
  if (multipliers.every((m) => m === 1)) return;
  if (hidden.length !== multipliers.length * hiddenSize) {
    throw new RangeError(`hidden has ${hidden.length} values, expected ${multipliers.length}×${hiddenSize}`);
  }
  const originalMean = mean(hidden);
  for (let t = 0; t < multipliers.length; t++) {
    const m = multipliers[t];
    if (m === 1) continue;
    for (let c = t * hiddenSize, end = c + hiddenSize; c < end; c++) hidden[c] *= m;
  }
  const newMean = mean(hidden);
  if (newMean === 0 || !Number.isFinite(newMean)) return;
  const scale = originalMean / newMean;
  for (let i = 0; i < hidden.length; i++) hidden[i] *= scale;
}

function mean(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}
