export { ProtoWriter } from './protobuf.js';
export {
  DataType,
  encodeModel,
  type Attribute,
  type DataTypeCode,
  type Dim,
  type GraphData,
  type ModelData,
  type NodeData,
  type TensorData,
  type ValueInfo,
} from './model-proto.js';
export { GraphBuilder, attr, tensorData, type AttrArg, type TensorArray } from './graph-builder.js';
export { writeModel, type WriteModelOptions } from './write-model.js';
export { readFields, type ProtoField } from './proto-reader.js';
export {
  editGraph,
  readGraph,
  type GraphEdit,
  type GraphNode,
  type GraphOutput,
  type ReadGraph,
} from './graph-reader.js';
export { padConvInputChannels, type ConvShape, type PadConvResult } from './pad-conv-channels.js';
export { toFloat16Model } from './float16-model.js';
