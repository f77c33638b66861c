/** CLIP-like text encoder: token + position embeddings, causal transformer blocks, final layer norm. */
import { DataType, GraphBuilder, type ModelData } from '../onnx/index.js';
import { floatOutput } from './io.js';
import { Layers } from './layers.js';
import type { TestModelShape } from './sizes.js';

export const MAX_TOKENS = 77;

export function buildTextEncoder(
  shape: Pick<TestModelShape, 'textHidden' | 'textLayers' | 'textHeads'>,
  vocabSize: number,
  seed: number,
  idsType: 'int32' | 'int64' = 'int32',
  fp16 = false,
): ModelData {
  const g = new GraphBuilder('text_encoder');
  const nn = new Layers(g, seed);
  const dim = shape.textHidden;
  const ids = g.input('input_ids', idsType === 'int32' ? DataType.INT32 : DataType.INT64, [
    'batch',
    MAX_TOKENS,
  ]);

  const tokens = g.op('Gather', [nn.weight('token_embedding', [vocabSize, dim], 1), ids], {});
  let h = g.op('Add', [tokens, nn.weight('position_embedding', [MAX_TOKENS, dim], 0.5)]);

  // CLIP's text transformer is causal: token i attends to tokens ≤ i.
  const mask = new Float32Array(MAX_TOKENS * MAX_TOKENS);
  for (let i = 0; i < MAX_TOKENS; i++)
    for (let j = i + 1; j < MAX_TOKENS; j++) mask[i * MAX_TOKENS + j] = -1e9;
  const causal = g.initializer('causal_mask', mask, [MAX_TOKENS, MAX_TOKENS]);

  for (let l = 0; l < shape.textLayers; l++) {
    const p = `layers.${l}`;
    const attn = nn.attention(
      `${p}.self_attn`,
      nn.layerNorm(`${p}.layer_norm1`, h, dim),
      dim,
      shape.textHeads,
      undefined,
      dim,
      causal,
    );
    h = g.op('Add', [h, attn]);
    const up = nn.quickGelu(
      nn.linear(`${p}.mlp.fc1`, nn.layerNorm(`${p}.layer_norm2`, h, dim), dim, dim * 4),
    );
    h = g.op('Add', [h, nn.linear(`${p}.mlp.fc2`, up, dim * 4, dim, 0.5)]);
  }
  const final = g.op('LayerNormalization', [
    h,
    g.constFloat('final_ln.weight', new Float32Array(dim).fill(1), [dim]),
    g.constFloat('final_ln.bias', new Float32Array(dim), [dim]),
  ]);
  floatOutput(g, final, 'last_hidden_state', ['batch', MAX_TOKENS, dim], fp16);
  return g.toModel({ metadata: { component: 'text_encoder', source: 'easel test model' } });
}
