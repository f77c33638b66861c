/**
 * A small ONNX graph builder: named values, initializers and nodes in
 * topological order, checked as they are added so a wiring mistake fails at
 * build time rather than deep inside ONNX Runtime.
 */
import {
  DataType,
  type Attribute,
  type DataTypeCode,
  type Dim,
  type GraphData,
  type ModelData,
  type NodeData,
  type TensorData,
  type ValueInfo,
} from './model-proto.js';

/** Attribute constructors: JS numbers do not say whether they are ints or floats. */
export const attr = {
  int: (value: number) => ({ kind: 'int', value }) as const,
  float: (value: number) => ({ kind: 'float', value }) as const,
  ints: (value: readonly number[]) => ({ kind: 'ints', value }) as const,
  floats: (value: readonly number[]) => ({ kind: 'floats', value }) as const,
  tensor: (value: TensorData) => ({ kind: 'tensor', value }) as const,
};
export type AttrArg = string | ReturnType<(typeof attr)[keyof typeof attr]>;

export type TensorArray = Float32Array | Int32Array | BigInt64Array | Uint16Array;

function dataTypeOf(data: TensorArray, float16: boolean): DataTypeCode {
  if (data instanceof Float32Array) return DataType.FLOAT;
  if (data instanceof Int32Array) return DataType.INT32;
  if (data instanceof BigInt64Array) return DataType.INT64;
  if (float16) return DataType.FLOAT16;
  throw new TypeError('Uint16Array tensors must be marked float16');
}

/** Tensor bytes in little-endian order (typed arrays are little-endian on every platform ORT-node ships for). */
export function tensorData(
  name: string,
  data: TensorArray,
  dims: readonly number[],
  float16 = false,
): TensorData {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new RangeError(`tensor ${name}: ${data.length} values for dims [${dims.join(',')}]`);
  }
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { name, dataType: dataTypeOf(data, float16), dims: [...dims], raw };
}

export class GraphBuilder {
  private readonly nodes: NodeData[] = [];
  private readonly initializers: TensorData[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly known = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor(readonly name: string) {}

  /** A fresh value name with a readable prefix. */
  unique(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0;
    let candidate = n === 0 ? prefix : `${prefix}_${n}`;
    while (this.known.has(candidate)) candidate = `${prefix}_${++n}`;
    this.counters.set(prefix, n + 1);
    return candidate;
  }

  private define(name: string): void {
    if (this.known.has(name)) throw new Error(`graph ${this.name}: value "${name}" defined twice`);
    this.known.add(name);
  }

  input(name: string, elemType: DataTypeCode, dims: readonly Dim[]): string {
    this.define(name);
    this.inputs.push({ name, elemType, dims: [...dims] });
    return name;
  }

  output(name: string, elemType: DataTypeCode, dims: readonly Dim[]): void {
    if (!this.known.has(name)) throw new Error(`graph ${this.name}: output "${name}" is never produced`);
    this.outputs.push({ name, elemType, dims: [...dims] });
  }

  initializer(prefix: string, data: TensorArray, dims: readonly number[], float16 = false): string {
    const name = this.unique(prefix);
    this.define(name);
    this.initializers.push(tensorData(name, data, dims, float16));
    return name;
  }

  constFloat(prefix: string, values: readonly number[] | Float32Array, dims: readonly number[]): string {
    return this.initializer(prefix, Float32Array.from(values), dims);
  }

  constInt64(prefix: string, values: readonly number[]): string {
    return this.initializer(
      prefix,
      BigInt64Array.from(values, (v) => BigInt(v)),
      [values.length],
    );
  }

  /** Adds a node; returns its output names (`outputs` fresh names unless given). */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrArg>> = {},
    outputs: number | readonly string[] = 1,
  ): string[] {
    for (const i of inputs) {
      if (i !== '' && !this.known.has(i)) {
        throw new Error(`graph ${this.name}: ${opType} reads "${i}" before it is produced`);
      }
    }
    const outNames =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.unique(opType.toLowerCase()))
        : [...outputs];
    for (const o of outNames) this.define(o);
    const attributes: Attribute[] = Object.entries(attrs).map(([name, a]) =>
      typeof a === 'string' ? { name, kind: 'string', value: a } : { name, ...a },
    );
    this.nodes.push({
      opType,
      name: this.unique(`${opType}_node`),
      inputs: [...inputs],
      outputs: outNames,
      attributes,
    });
    return outNames;
  }

  /** Single-output shorthand for `node`. */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrArg>> = {},
    output?: string,
  ): string {
    return this.node(opType, inputs, attrs, output === undefined ? 1 : [output])[0];
  }

  build(): GraphData {
    if (this.outputs.length === 0) throw new Error(`graph ${this.name}: no outputs`);
    return {
      name: this.name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
    };
  }

  toModel(
    options: { opset?: number; metadata?: Record<string, string>; docString?: string } = {},
  ): ModelData {
    const opset = options.opset ?? 17;
    if (opset > 17) throw new RangeError(`opset ${opset}: this writer targets opset ≤ 17`);
    return {
      irVersion: 8,
      opsetVersion: opset,
      producerName: 'easel-onnx-writer',
      producerVersion: '1',
      docString: options.docString,
      metadata: options.metadata ?? {},
      graph: this.build(),
    };
  }
}
