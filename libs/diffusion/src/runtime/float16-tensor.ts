/**
 * float16 input tensors that onnxruntime-node can read on every Node version.
 *
 * onnxruntime-common stores float16 data as a Float16Array where the engine
 * has one (Node ≥ 24), but the 1.30 native binding reads that array's byte
 * length as 0 ("not enough space: expected N, got 0"; microsoft/onnxruntime
 * PR #32323). The binding reads the `data` property, so we pin it to the
 * Uint16Array bits, which it reads correctly.
 */
import { Tensor } from 'onnxruntime-node';
import { float32ToFloat16 } from './float16.js';

export function float16Tensor(values: Float32Array, dims: readonly number[]): Tensor {
  const bits = float32ToFloat16(values);
  const tensor = new Tensor('float16', bits, dims);
  if (!(tensor.data instanceof Uint16Array)) Object.defineProperty(tensor, 'data', { value: bits });
  return tensor;
}
