/**
 * Reads the parts of an ONNX ModelProto that graph rewrites need — nodes, outputs, whether weights live in external
 * files — and re-encodes the model with nodes added and outputs replaced, copying everything else byte for byte.
 * Field numbers from onnx/onnx.proto.
 */
import { bytesOf, concatBytes, readFields, stringOf, type ProtoField } from './proto-reader.js';
import { ProtoWriter } from './protobuf.js';

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_OUTPUT = 12;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const TENSOR_DATA_LOCATION = 14;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_TYPE_ELEM_TYPE = 1;
const DATA_LOCATION_EXTERNAL = 1n;

export interface GraphNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  /** The node's AttributeProto fields, encoded (tag included), to copy onto a new node. */
  attributes: Uint8Array[];
}

export interface GraphOutput {
  name: string;
  /** TensorProto.DataType of the output, 0 when not given. */
  elemType: number;
}

export interface ReadGraph {
  nodes: GraphNode[];
  outputs: GraphOutput[];
  /** Some initializer's data is in an external file (resolved relative to the model file by ORT). */
  hasExternalData: boolean;
}

interface ParsedModel {
  modelFields: ProtoField[];
  graphFields: ProtoField[];
}

function parse(model: Uint8Array): ParsedModel {
  const modelFields = readFields(model);
  const graph = modelFields.find((f) => f.field === MODEL_GRAPH);
  if (!graph) throw new Error('the ONNX model has no graph');
  return { modelFields, graphFields: readFields(bytesOf(graph)) };
}

export function readGraph(model: Uint8Array): ReadGraph {
  const { graphFields } = parse(model);
  const nodes: GraphNode[] = [];
  const outputs: GraphOutput[] = [];
  let hasExternalData = false;
  for (const f of graphFields) {
    if (f.field === GRAPH_NODE) nodes.push(readNode(bytesOf(f)));
    else if (f.field === GRAPH_OUTPUT) outputs.push(readOutput(bytesOf(f)));
    else if (f.field === GRAPH_INITIALIZER && !hasExternalData) {
      hasExternalData = readFields(bytesOf(f)).some(
        (t) => t.field === TENSOR_DATA_LOCATION && t.value === DATA_LOCATION_EXTERNAL,
      );
    }
  }
  return { nodes, outputs, hasExternalData };
}

function readNode(buf: Uint8Array): GraphNode {
  const node: GraphNode = { opType: '', inputs: [], outputs: [], attributes: [] };
  for (const f of readFields(buf)) {
    if (f.field === NODE_INPUT) node.inputs.push(stringOf(f));
    else if (f.field === NODE_OUTPUT) node.outputs.push(stringOf(f));
    else if (f.field === NODE_OP_TYPE) node.opType = stringOf(f);
    else if (f.field === NODE_ATTRIBUTE) node.attributes.push(f.raw);
  }
  return node;
}

function readOutput(buf: Uint8Array): GraphOutput {
  let name = '';
  let elemType = 0;
  for (const f of readFields(buf)) {
    if (f.field === VALUE_INFO_NAME) name = stringOf(f);
    else if (f.field === VALUE_INFO_TYPE) {
      const tensor = readFields(bytesOf(f)).find((t) => t.field === TYPE_TENSOR);
      const elem = tensor && readFields(bytesOf(tensor)).find((e) => e.field === TENSOR_TYPE_ELEM_TYPE);
      if (elem) elemType = Number(elem.value);
    }
  }
  return { name, elemType };
}

export interface GraphEdit {
  /** Appended after the existing nodes (their inputs must already be produced). */
  addNodes: ReadonlyArray<{
    opType: string;
    name: string;
    inputs: string[];
    outputs: string[];
    /** Encoded AttributeProto fields, as GraphNode.attributes holds them. */
    attributes?: readonly Uint8Array[];
  }>;
  /** The graph's outputs after the edit (shape left unspecified). */
  outputs: readonly GraphOutput[];
}

/** The model with nodes added and its outputs replaced; every other field is copied unchanged. */
export function editGraph(model: Uint8Array, edit: GraphEdit): Uint8Array {
  const { modelFields, graphFields } = parse(model);
  const graph: Uint8Array[] = graphFields.filter((f) => f.field !== GRAPH_OUTPUT).map((f) => f.raw);
  for (const node of edit.addNodes) {
    const fields = new ProtoWriter();
    for (const i of node.inputs) fields.string(NODE_INPUT, i);
    for (const o of node.outputs) fields.string(NODE_OUTPUT, o);
    fields.string(3, node.name).string(NODE_OP_TYPE, node.opType);
    const encoded = concatBytes([fields.finish(), ...(node.attributes ?? [])]);
    graph.push(new ProtoWriter().bytes(GRAPH_NODE, encoded).finish());
  }
  for (const output of edit.outputs) {
    graph.push(
      new ProtoWriter()
        .message(GRAPH_OUTPUT, (w) =>
          w
            .string(VALUE_INFO_NAME, output.name)
            .message(VALUE_INFO_TYPE, (t) =>
              t.message(TYPE_TENSOR, (tensor) => tensor.varint(TENSOR_TYPE_ELEM_TYPE, output.elemType)),
            ),
        )
        .finish(),
    );
  }
  // One copy of the weights: the graph's pieces go straight into the result behind a new header.
  const graphLength = graph.reduce((n, p) => n + p.length, 0);
  const header = new ProtoWriter().lengthHeader(MODEL_GRAPH, graphLength).finish();
  return concatBytes(modelFields.flatMap((f) => (f.field === MODEL_GRAPH ? [header, ...graph] : [f.raw])));
}
