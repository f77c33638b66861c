import { describe, expect, it } from 'vitest';
import { applyEmphasis } from './emphasis.js';

describe('applyEmphasis (A1111 original emphasis)', () => {
  it('weights each token and restores the mean of the chunk', () => {
    // 3 tokens × 2 channels; the middle token weighted 2.
    const hidden = new Float32Array([1, 2, 3, 4, 5, 6]);
    applyEmphasis(hidden, [1, 2, 1], 2);
    // Weighted: [1,2,6,8,5,6], mean 28/6; original mean 21/6; scale 0.75.
    expect(Array.from(hidden)).toEqual([0.75, 1.5, 4.5, 6, 3.75, 4.5]);
    expect(hidden.reduce((a, b) => a + b, 0) / 6).toBeCloseTo(3.5, 6);
  });
  it('leaves an unweighted chunk untouched', () => {
    const hidden = new Float32Array([0.1, -0.2, 0.3]);
    applyEmphasis(hidden, [1, 1, 1], 1);
    expect(Array.from(hidden)).toEqual(Array.from(new Float32Array([0.1, -0.2, 0.3])));
  });
});
