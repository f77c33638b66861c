/** Float tensors in the precision a graph declares (fp32, or fp16 converted at the boundary). */
import { float16Tensor, float16ToFloat32, ModelError, Tensor, type TensorType } from '../runtime/index.js';

export type FloatType = 'float32' | 'float16';

export function floatType(type: TensorType, where: string): FloatType {
  if (type === 'float32' || type === 'float16') return type;
  throw new ModelError(
    'unsupported',
    `${where}: expected a float32 or float16 tensor, the graph declares ${type}`,
  );
}

export function floatTensor(data: Float32Array, dims: readonly number[], type: FloatType): Tensor {
  return type === 'float32' ? new Tensor('float32', data, dims) : float16Tensor(data, dims);
}

/**
 * A float tensor kept over the caller's buffer while the same buffer and dims come back (ORT reads the data at
 * run time, so in-place updates are seen). float16 converts the values, so it is made afresh every call.
 */
export class ReusedFloatTensor {
  private data: Float32Array | null = null;
  private last: Tensor | null = null;

  tensor(data: Float32Array, dims: readonly number[], type: FloatType): Tensor {
    if (type !== 'float32') return floatTensor(data, dims, type);
    const last = this.last;
    if (last && this.data === data && sameDims(last.dims, dims)) return last;
    this.data = data;
    this.last = new Tensor('float32', data, dims);
    return this.last;
  }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Output data as Float32Array (fp16 outputs arrive as Float16Array or Uint16Array, depending on the JS engine). */
export function readFloats(tensor: Tensor, where: string): Float32Array {
  const data = tensor.data;
  if (tensor.type === 'float32') return data as Float32Array;
  if (tensor.type === 'float16') {
    const bits = data as unknown as { buffer: ArrayBuffer; byteOffset: number; length: number };
    return float16ToFloat32(new Uint16Array(bits.buffer, bits.byteOffset, bits.length));
  }
  throw new ModelError('bad_tensor', `${where}: expected a float output, got ${tensor.type}`);
}

/** The ids tensor in the type the text encoder declares (int32 in diffusers' export, int64 in optimum's). */
export function idsTensor(ids: Int32Array, dims: readonly number[], type: TensorType, where: string): Tensor {
  if (type === 'int32') return new Tensor('int32', ids, dims);
  if (type === 'int64')
    return new Tensor(
      'int64',
      BigInt64Array.from(ids, (v) => BigInt(v)),
      dims,
    );
  throw new ModelError(
    'unsupported',
    `${where}: input_ids must be int32 or int64, the graph declares ${type}`,
  );
}

/**
 * The UNet timestep in the graph's dtype and shape: scalar, [1] or [batch].
 * Integer graphs get t truncated, as numpy's astype does in diffusers' ONNX pipeline.
 */
export function timestepTensor(
  t: number,
  batch: number,
  type: TensorType,
  shape: ReadonlyArray<number | string>,
): Tensor {
  const dims = shape.length === 0 ? [] : [shape[0] === 1 ? 1 : batch];
  const count = dims.length === 0 ? 1 : dims[0];
  if (type === 'int64')
    return new Tensor('int64', new BigInt64Array(count).fill(BigInt(Math.trunc(t))), dims);
  if (type === 'int32') return new Tensor('int32', new Int32Array(count).fill(Math.trunc(t)), dims);
  if (type === 'float32') return new Tensor('float32', new Float32Array(count).fill(t), dims);
  if (type === 'float16') return float16Tensor(new Float32Array(count).fill(t), dims);
  throw new ModelError(
    'unsupported',
    `unet: timestep must be int64, int32, float32 or float16, the graph declares ${type}`,
  );
}
