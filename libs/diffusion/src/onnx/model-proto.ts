/**
 * ONNX ModelProto encoding (field numbers from onnx/onnx.proto, proto2).
 * Plain data types in, bytes out; the graph builder produces these types.
 */
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType values used here. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

export type Dim = number | string;

export interface TensorData {
  name: string;
  dataType: DataTypeCode;
  dims: readonly number[];
  /** Little-endian bytes of the tensor; written as raw_data unless `external` is set. */
  raw: Uint8Array;
  external?: { location: string; offset: number; length: number };
}

export type AttributeValue = number | string | readonly number[] | readonly string[] | TensorData;
/** Integers vs floats cannot be told apart from a JS number, so attributes say which they are. */
export type Attribute =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'string'; value: string }
  | { name: string; kind: 'ints'; value: readonly number[] }
  | { name: string; kind: 'floats'; value: readonly number[] }
  | { name: string; kind: 'tensor'; value: TensorData };

export interface NodeData {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: readonly Attribute[];
  domain?: string;
}

export interface ValueInfo {
  name: string;
  elemType: DataTypeCode;
  dims: readonly Dim[];
}

export interface GraphData {
  name: string;
  nodes: readonly NodeData[];
  initializers: readonly TensorData[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

export interface ModelData {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString?: string;
  metadata: Readonly<Record<string, string>>;
  graph: GraphData;
}

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export function encodeTensor(w: ProtoWriter, t: TensorData): void {
  for (const d of t.dims) w.varint(1, d);
  w.varint(2, t.dataType);
  w.string(8, t.name);
  if (t.external) {
    const ext = t.external;
    for (const [key, value] of [
      ['location', ext.location],
      ['offset', String(ext.offset)],
      ['length', String(ext.length)],
    ] as const) {
      w.message(13, (e) => e.string(1, key).string(2, value));
    }
    w.varint(14, 1); // data_location = EXTERNAL
  } else {
    w.bytes(9, t.raw);
  }
}

function encodeAttribute(w: ProtoWriter, a: Attribute): void {
  w.string(1, a.name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value).varint(20, AttributeType.FLOAT);
      break;
    case 'int':
      w.varint(3, a.value).varint(20, AttributeType.INT);
      break;
    case 'string':
      w.string(4, a.value).varint(20, AttributeType.STRING);
      break;
    case 'tensor':
      w.message(5, (t) => encodeTensor(t, a.value)).varint(20, AttributeType.TENSOR);
      break;
    case 'floats':
      for (const f of a.value) w.float(7, f);
      w.varint(20, AttributeType.FLOATS);
      break;
    case 'ints':
      for (const i of a.value) w.varint(8, i);
      w.varint(20, AttributeType.INTS);
      break;
  }
}

export function encodeNode(w: ProtoWriter, n: NodeData): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes) w.message(5, (m) => encodeAttribute(m, a));
  if (n.domain) w.string(7, n.domain);
}

function encodeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, v.elemType);
      tensor.message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function encodeGraph(w: ProtoWriter, g: GraphData): void {
  for (const n of g.nodes) w.message(1, (m) => encodeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => encodeTensor(m, t));
  for (const v of g.inputs) w.message(11, (m) => encodeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => encodeValueInfo(m, v));
}

export function encodeModel(model: ModelData): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, model.irVersion);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  if (model.docString) w.string(6, model.docString);
  w.message(7, (g) => encodeGraph(g, model.graph));
  w.message(8, (o) => o.string(1, '').varint(2, model.opsetVersion));
  for (const [key, value] of Object.entries(model.metadata)) {
    w.message(14, (e) => e.string(1, key).string(2, value));
  }
  return w.finish();
}
