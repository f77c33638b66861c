/**
 * An fp16 copy of a float32 graph, as an fp16 export is: float initializers, graph inputs and outputs, Casts to
 * float and float Constant values become float16, so every float op runs in half precision.
 */
import { float32ToFloat16 } from '../runtime/float16.js';
import { DataType, type Attribute, type ModelData, type TensorData, type ValueInfo } from './model-proto.js';

function halfTensor(t: TensorData): TensorData {
  if (t.dataType !== DataType.FLOAT || t.external) return t;
  const floats = new Float32Array(t.raw.slice().buffer);
  return { ...t, dataType: DataType.FLOAT16, raw: new Uint8Array(float32ToFloat16(floats).buffer) };
}

function halfValue(v: ValueInfo): ValueInfo {
  return v.elemType === DataType.FLOAT ? { ...v, elemType: DataType.FLOAT16 } : v;
}

function halfAttribute(opType: string, a: Attribute): Attribute {
  if (opType === 'Cast' && a.name === 'to' && a.kind === 'int' && a.value === DataType.FLOAT)
    return { ...a, value: DataType.FLOAT16 };
  if (a.kind === 'tensor') return { ...a, value: halfTensor(a.value) };
  return a;
}

export function toFloat16Model(model: ModelData): ModelData {
  const g = model.graph;
  // Resize's roi and scales stay float32 whatever the data's type.
  const keep = new Set(g.nodes.filter((n) => n.opType === 'Resize').flatMap((n) => n.inputs.slice(1, 3)));
  return {
    ...model,
    graph: {
      ...g,
      initializers: g.initializers.map((t) => (keep.has(t.name) ? t : halfTensor(t))),
      inputs: g.inputs.map(halfValue),
      outputs: g.outputs.map(halfValue),
      nodes: g.nodes.map((n) => ({ ...n, attributes: n.attributes.map((a) => halfAttribute(n.opType, a)) })),
    },
  };
}
