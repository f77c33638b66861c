/** Graph inputs/outputs in fp32, or fp16 with casts at the boundary (how fp16 exports look from outside). */
import { attr, DataType, type Dim, type GraphBuilder } from '../onnx/index.js';

export function floatInput(g: GraphBuilder, name: string, dims: readonly Dim[], fp16: boolean): string {
  if (!fp16) return g.input(name, DataType.FLOAT, dims);
  return g.op('Cast', [g.input(name, DataType.FLOAT16, dims)], { to: attr.int(DataType.FLOAT) });
}

export function floatOutput(
  g: GraphBuilder,
  value: string,
  name: string,
  dims: readonly Dim[],
  fp16: boolean,
): void {
  if (fp16) g.op('Cast', [value], { to: attr.int(DataType.FLOAT16) }, name);
  else g.op('Identity', [value], {}, name);
  g.output(name, fp16 ? DataType.FLOAT16 : DataType.FLOAT, dims);
}
