import { randomInt } from 'node:crypto';
import { TorchGenerator } from '../random/index.js';

/**
 * Fill `out` with standard normals from the caller's generator (diffusers' randn_tensor on CPU),
 * or from a freshly seeded one when none is given (torch would use its global generator).
 */
export function randnInto(generator: TorchGenerator | undefined, out: Float32Array): Float32Array {
  return (generator ?? new TorchGenerator(randomInt(0, 2 ** 32 - 1))).randnInto(out);
}
