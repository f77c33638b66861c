/**
 * diffusers' convert script exports vae_encoder as `encode(x).latent_dist.sample()`: the graph draws unseeded noise
 * (RandomNormalLike) and outputs only `latent_sample`, so the same seed gives other pictures run to run. diffusers'
 * PyTorch pipelines draw that sample from the seeded generator. This finds the moments (mean ‖ logvar, the tensor
 * the graph chunks before sampling) and returns the model with them as the `latent_parameters` output, the layout
 * the pipeline samples from its own generator.
 */
import { editGraph, readGraph, type GraphNode, type ReadGraph } from '../onnx/index.js';

const RANDOM_OPS = new Set(['RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike']);
const PASS_THROUGH = new Set(['Identity', 'Cast']);
const CHUNK_OPS = new Set(['Split', 'Slice']);
/** How far back from std = exp(0.5·clip(logvar)) the chunk may sit. */
const STD_PATH_DEPTH = 8;

export interface RecoveredEncoder {
  model: Uint8Array;
  /** The graph tensor now exposed as latent_parameters. */
  moments: string;
}

/** Null when the graph does not sample internally or its shape is not the one described above. */
export function recoverLatentParameters(
  model: Uint8Array,
  graph: ReadGraph = readGraph(model),
): RecoveredEncoder | null {
  if (graph.outputs.length !== 1 || !graph.nodes.some((n) => RANDOM_OPS.has(n.opType))) return null;
  const producer = new Map<string, GraphNode>();
  for (const node of graph.nodes) for (const out of node.outputs) producer.set(out, node);
  const noisy = noisyTensors(graph.nodes);
  const source = (tensor: string): string => passThroughChain(tensor, producer)[0]?.inputs[0] ?? tensor;

  // latent_sample = mean + std · noise, maybe cast on the way out
  const exits = passThroughChain(graph.outputs[0].name, producer);
  const add = producer.get(source(graph.outputs[0].name));
  if (add?.opType !== 'Add' || add.inputs.length !== 2) return null;
  const noisyTerms = add.inputs.filter((t) => noisy.has(t));
  if (noisyTerms.length !== 1) return null;
  const mean = source(add.inputs.find((t) => !noisy.has(t))!);
  const chunk = producer.get(mean);
  if (!chunk || !CHUNK_OPS.has(chunk.opType) || (chunk.opType === 'Split' && chunk.outputs[0] !== mean))
    return null;
  const moments = chunk.inputs[0];

  const mul = producer.get(source(noisyTerms[0]));
  if (mul?.opType !== 'Mul') return null;
  const std = mul.inputs.find((t) => !noisy.has(t));
  if (!std || !reachesChunkOf(std, moments, producer)) return null;

  // The moments leave through the same casts as the sample did, so the output keeps the declared type.
  const addNodes = [...exits, { opType: 'Identity', attributes: [] }].map((node, i, all) => ({
    opType: node.opType,
    name: `easel/latent_parameters/${i}`,
    inputs: [i === 0 ? moments : `easel/latent_parameters/${i - 1}`],
    outputs: [i === all.length - 1 ? 'latent_parameters' : `easel/latent_parameters/${i}`],
    attributes: node.attributes,
  }));
  const recovered = editGraph(model, {
    addNodes,
    outputs: [{ name: 'latent_parameters', elemType: graph.outputs[0].elemType }],
  });
  return { model: recovered, moments };
}

/** The Identity/Cast nodes between a tensor and its source, in the order they run. */
function passThroughChain(tensor: string, producer: ReadonlyMap<string, GraphNode>): GraphNode[] {
  const chain: GraphNode[] = [];
  for (
    let node = producer.get(tensor);
    node && PASS_THROUGH.has(node.opType);
    node = producer.get(node.inputs[0])
  )
    chain.unshift(node);
  return chain;
}

/** Every tensor computed from a random draw. */
function noisyTensors(nodes: readonly GraphNode[]): Set<string> {
  const noisy = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of nodes) {
      if (!RANDOM_OPS.has(node.opType) && !node.inputs.some((i) => noisy.has(i))) continue;
      for (const out of node.outputs) {
        if (!noisy.has(out)) {
          noisy.add(out);
          grew = true;
        }
      }
    }
  }
  return noisy;
}

/** Whether `tensor` is computed (within a few nodes) from a chunk of `moments`: the logvar half. */
function reachesChunkOf(tensor: string, moments: string, producer: ReadonlyMap<string, GraphNode>): boolean {
  let frontier = [tensor];
  for (let depth = 0; depth < STD_PATH_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const t of frontier) {
      const node = producer.get(t);
      if (!node) continue;
      if (CHUNK_OPS.has(node.opType) && node.inputs[0] === moments) return true;
      next.push(...node.inputs.filter((i) => i !== ''));
    }
    frontier = next;
  }
  return false;
}
