/**
 * Rewrites a serialized ONNX model so that chosen 2-D Convs read zero-padded input channels: a Pad node on the
 * channel axis before the Conv and a copy of its weight with zero input channels. The result is the same function
 * (the extra channels meet zero weights). Works on the wire format, so every field it does not touch (other
 * nodes, large or external initializers, metadata) is copied through unchanged; only the padded weight is read.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataType, encodeNode, encodeTensor, type NodeData, type TensorData } from './model-proto.js';
import { ProtoWriter } from './protobuf.js';
import { bytesOf, concatBytes, readFields, stringOf, type ProtoField } from './proto-reader.js';

export interface ConvShape {
  node: string;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  group: number;
}

export interface PadConvResult {
  bytes: Uint8Array;
  /** Convs now fed padded channels, with the channel count they read. */
  padded: Array<ConvShape & { paddedChannels: number }>;
  /** Convs the predicate chose that this rewrite cannot pad (grouped, weight not an initializer, …), with why. */
  skipped: Array<{ node: string; reason: string }>;
}

// ModelProto, GraphProto, NodeProto, TensorProto and AttributeProto field numbers (onnx/onnx.proto).
const MODEL = { graph: 7, opsetImport: 8 };
const GRAPH = { node: 1, initializer: 5 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 };
const TENSOR = { dims: 1, dataType: 2, floatData: 4, int32Data: 5, name: 8, rawData: 9, externalData: 13 };

interface Initializer {
  fields: ProtoField[];
  dims: number[];
  dataType: number;
}

/**
 * Pads the input channels of every Conv for which `choose` is true to the next multiple of `multiple`.
 * `modelDir` resolves external weight files. Returns null when nothing was chosen.
 */
export async function padConvInputChannels(
  bytes: Uint8Array,
  modelDir: string,
  choose: (conv: ConvShape) => boolean,
  multiple = 4,
): Promise<PadConvResult | null> {
  const model = readFields(bytes);
  const graphField = model.find((f) => f.field === MODEL.graph);
  if (!graphField) return null;
  const graph = readFields(bytesOf(graphField));
  const opset = defaultOpset(model);
  const initializers = new Map<string, Initializer>();
  const names = new Set<string>();
  for (const f of graph) {
    if (f.field === GRAPH.initializer) {
      const fields = readFields(bytesOf(f));
      const name = stringField(fields, TENSOR.name) ?? '';
      const dataType = intOf(
        fields.find((t) => t.field === TENSOR.dataType),
        0,
      );
      initializers.set(name, { fields, dims: readInts(fields, TENSOR.dims), dataType });
      names.add(name);
    } else if (f.field === GRAPH.node) {
      for (const n of readFields(bytesOf(f))) if (n.field === NODE.output) names.add(stringOf(n));
    }
  }
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 1; names.has(name); i++) name = `${base}_${i}`;
    names.add(name);
    return name;
  };

  const result: PadConvResult = { bytes, padded: [], skipped: [] };
  const replaced = new Map<ProtoField, Uint8Array>();
  const added: Uint8Array[] = [];
  for (const f of graph) {
    if (f.field !== GRAPH.node) continue;
    const node = readFields(bytesOf(f));
    const domain = stringField(node, NODE.domain) ?? '';
    if (stringField(node, NODE.opType) !== 'Conv' || !['', 'ai.onnx'].includes(domain)) continue;
    const inputs = node.filter((n) => n.field === NODE.input).map(stringOf);
    const nodeName = stringField(node, NODE.name);
    const weight = initializers.get(inputs[1] ?? '');
    const label = nodeName || `Conv(${inputs[0]})`;
    if (!weight || weight.dims.length !== 4) continue;
    const group = convGroup(node);
    const [outChannels, perGroup, kh, kw] = weight.dims;
    const shape: ConvShape = {
      node: label,
      inChannels: perGroup * group,
      outChannels,
      kernel: [kh, kw],
      group,
    };
    if (!choose(shape)) continue;
    const paddedChannels = Math.ceil(perGroup / multiple) * multiple;
    if (opset < 11) {
      result.skipped.push({ node: label, reason: `opset ${opset} (Pad takes pads as an input from 11)` });
      continue;
    }
    if (group !== 1) {
      result.skipped.push({ node: label, reason: `grouped Conv (group ${group})` });
      continue;
    }
    if (weight.dataType !== DataType.FLOAT && weight.dataType !== DataType.FLOAT16) {
      result.skipped.push({ node: label, reason: `weight data type ${weight.dataType}` });
      continue;
    }
    const elem = weight.dataType === DataType.FLOAT ? 4 : 2;
    const raw = await weightBytes(weight, elem, modelDir);
    if (!raw) {
      result.skipped.push({ node: label, reason: 'weight data in a layout this rewrite does not read' });
      continue;
    }
    const block = kh * kw * elem;
    const paddedRaw = new Uint8Array(outChannels * paddedChannels * block);
    for (let o = 0; o < outChannels; o++) {
      paddedRaw.set(
        raw.subarray(o * perGroup * block, (o + 1) * perGroup * block),
        o * paddedChannels * block,
      );
    }
    const weightName = fresh(`${inputs[1]}_padded${paddedChannels}`);
    const padsName = fresh(`${inputs[0]}_pads${paddedChannels}`);
    const paddedInput = fresh(`${inputs[0]}_padded${paddedChannels}`);
    const weightTensor: TensorData = {
      name: weightName,
      dataType: weight.dataType,
      dims: [outChannels, paddedChannels, kh, kw],
      raw: paddedRaw,
    };
    const pads = BigInt64Array.of(0n, 0n, 0n, 0n, 0n, BigInt(paddedChannels - perGroup), 0n, 0n);
    const padsTensor: TensorData = {
      name: padsName,
      dataType: DataType.INT64,
      dims: [8],
      raw: new Uint8Array(pads.buffer),
    };
    added.push(message(GRAPH.initializer, (w) => encodeTensor(w, weightTensor)));
    added.push(message(GRAPH.initializer, (w) => encodeTensor(w, padsTensor)));
    const pad: NodeData = {
      opType: 'Pad',
      name: fresh(`${label}_pad_channels`),
      inputs: [inputs[0], padsName],
      outputs: [paddedInput],
      attributes: [],
    };
    replaced.set(
      f,
      concatBytes([
        message(GRAPH.node, (w) => encodeNode(w, pad)),
        ...lengthDelimited(GRAPH.node, rewriteConvInputs(node, paddedInput, weightName)),
      ]),
    );
    result.padded.push({ ...shape, paddedChannels });
  }
  if (replaced.size === 0) return result.skipped.length ? result : null;

  const graphParts = graph.map((f) => replaced.get(f) ?? f.raw);
  const graphBytes = concatBytes([...graphParts, ...added]);
  const modelParts = model.map((f) => (f === graphField ? lengthDelimited(MODEL.graph, graphBytes) : f.raw));
  result.bytes = concatBytes(modelParts.flat());
  return result;
}

/** The opset of the default domain (Pad takes its pads as an input from opset 11 on). */
function defaultOpset(model: readonly ProtoField[]): number {
  for (const f of model) {
    if (f.field !== MODEL.opsetImport) continue;
    const entry = readFields(bytesOf(f));
    if (['', 'ai.onnx'].includes(stringField(entry, 1) ?? ''))
      return intOf(
        entry.find((e) => e.field === 2),
        0,
      );
  }
  return 0;
}

function convGroup(node: readonly ProtoField[]): number {
  for (const a of node) {
    if (a.field !== NODE.attribute) continue;
    const attr = readFields(bytesOf(a));
    if (stringField(attr, 1) === 'group')
      return intOf(
        attr.find((x) => x.field === 3),
        1,
      );
  }
  return 1;
}

/** The Conv node's fields with its data and weight inputs renamed; every other field copied as it was. */
function rewriteConvInputs(node: readonly ProtoField[], input: string, weight: string): Uint8Array {
  let index = 0;
  return concatBytes(
    node.map((f) => {
      if (f.field !== NODE.input) return f.raw;
      const name = index === 0 ? input : index === 1 ? weight : stringOf(f);
      index++;
      return new ProtoWriter().string(NODE.input, name).finish();
    }),
  );
}

function intOf(f: ProtoField | undefined, fallback: number): number {
  return f && typeof f.value === 'bigint' ? Number(BigInt.asIntN(64, f.value)) : fallback;
}

/** Repeated int64 values of one field number, packed or not. */
function readInts(fields: readonly ProtoField[], no: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.field !== no) continue;
    if (typeof f.value === 'bigint') {
      out.push(Number(BigInt.asIntN(64, f.value)));
      continue;
    }
    const packed = f.value;
    for (let pos = 0; pos < packed.length;) {
      let v = 0n;
      for (let shift = 0n; ; shift += 7n) {
        const byte = packed[pos++];
        v |= BigInt(byte & 0x7f) << shift;
        if (byte < 0x80) break;
      }
      out.push(Number(BigInt.asIntN(64, v)));
    }
  }
  return out;
}

/** The weight's little-endian bytes: raw_data, packed float_data, fp16 int32_data, or an external file. */
async function weightBytes(t: Initializer, elem: number, modelDir: string): Promise<Uint8Array | null> {
  const count = t.dims.reduce((a, b) => a * b, 1);
  const raw = t.fields.find((f) => f.field === TENSOR.rawData);
  if (raw) return bytesOf(raw).length === count * elem ? bytesOf(raw) : null;
  const external = t.fields.filter((f) => f.field === TENSOR.externalData);
  if (external.length) {
    const entries = new Map(
      external.map((e) => {
        const kv = readFields(bytesOf(e));
        return [stringField(kv, 1) ?? '', stringField(kv, 2) ?? ''];
      }),
    );
    const location = entries.get('location');
    if (!location) return null;
    const offset = Number(entries.get('offset') ?? 0);
    const file = await readFile(path.join(modelDir, location));
    const data = file.subarray(offset, offset + count * elem);
    return data.length === count * elem ? data : null;
  }
  if (elem === 4) {
    const floats = t.fields.filter((f) => f.field === TENSOR.floatData);
    if (floats.length === 1 && floats[0].wire === 2 && bytesOf(floats[0]).length === count * 4)
      return bytesOf(floats[0]);
    return null;
  }
  // fp16 values stored one per int32_data entry.
  const halves = readInts(t.fields, TENSOR.int32Data);
  return halves.length === count ? new Uint8Array(Uint16Array.from(halves).buffer) : null;
}

function message(field: number, encode: (w: ProtoWriter) => void): Uint8Array {
  return new ProtoWriter().message(field, encode).finish();
}

function lengthDelimited(field: number, data: Uint8Array): Uint8Array[] {
  const header: number[] = [];
  for (let v of [(field << 3) | 2, data.length]) {
    while (v >= 0x80) {
      header.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    header.push(v);
  }
  return [Uint8Array.from(header), data];
}

function stringField(fields: readonly ProtoField[], no: number): string | undefined {
  const f = fields.find((x) => x.field === no);
  return f && stringOf(f);
}
