/**
 * The sd15 test model's UNet: Stable Diffusion 1.5's exact architecture and parameter count (859,520,964: diffusers'
 * UNet2DConditionModel with block channels 320/640/1280/1280, two ResNets per down block, three per up block,
 * cross-attention transformers with GEGLU feed-forwards over 768-wide text states, 8 heads) and seeded random
 * weights, for cold-start and memory benchmarks. It is exported the way torch.onnx writes SD at opset 14–17:
 * GroupNorm as InstanceNormalization, attention as MatMul/Softmax. The output head is the test model's exact
 * Gaussian denoiser (unet.ts), so the pipeline still produces bounded latents from random weights.
 */
import { attr, DataType, GraphBuilder, type ModelData } from '../onnx/index.js';
import { floatInput, floatOutput } from './io.js';
import { Layers } from './layers.js';
import { gaussianDenoiser, timestepEmbedding } from './unet.js';

const BLOCK_CHANNELS = [320, 640, 1280, 1280] as const;
const GROUPS = 32;
const HEADS = 8;
const TIME_EMBED = 1280;
const CONTEXT = 768;
const PRIOR_VARIANCE = 0.06;

/** diffusers' Transformer2DModel (conv proj_in/proj_out, one BasicTransformerBlock with a GEGLU feed-forward). */
function transformer(nn: Layers, prefix: string, x: string, ch: number, context: string): string {
  const g = nn.g;
  const normed = nn.groupNorm(`${prefix}.norm`, x, ch, GROUPS);
  const n = nn.conv(`${prefix}.proj_in`, normed, ch, ch, { kernel: 1 });
  let seq = g.op('Transpose', [g.op('Reshape', [n, g.constInt64('flat_shape', [0, ch, -1])])], {
    perm: attr.ints([0, 2, 1]),
  });
  const b = `${prefix}.transformer_blocks.0`;
  seq = g.op('Add', [seq, nn.attention(`${b}.attn1`, nn.layerNorm(`${b}.norm1`, seq, ch), ch, HEADS)]);
  const cross = nn.attention(`${b}.attn2`, nn.layerNorm(`${b}.norm2`, seq, ch), ch, HEADS, context, CONTEXT);
  seq = g.op('Add', [seq, cross]);
  // GEGLU: one projection to 2·4·ch, half of it gated by GELU of the other half.
  const inner = ch * 4;
  const proj = nn.linear(`${b}.ff.net.0.proj`, nn.layerNorm(`${b}.norm3`, seq, ch), ch, inner * 2);
  const [hidden, gate] = g.node(
    'Split',
    [proj, g.constInt64('geglu_split', [inner, inner])],
    { axis: attr.int(-1) },
    2,
  );
  const ff = g.op('Mul', [hidden, nn.gelu(gate)]);
  seq = g.op('Add', [seq, nn.linear(`${b}.ff.net.2`, ff, inner, ch, 0.5)]);
  const back = g.op('Reshape', [
    g.op('Transpose', [seq], { perm: attr.ints([0, 2, 1]) }),
    g.op('Shape', [x]),
  ]);
  return g.op('Add', [x, nn.conv(`${prefix}.proj_out`, back, ch, ch, { kernel: 1, gain: 0.5 })]);
}

/** Nearest 2× to the skip's exact size (odd latent sizes work too), then a 3×3 conv, as diffusers' Upsample2D. */
function upsample(nn: Layers, prefix: string, x: string, ch: number, like: string): string {
  const g = nn.g;
  const sizes = g.op(
    'Concat',
    [g.op('Shape', [x], { end: attr.int(2) }), g.op('Shape', [like], { start: attr.int(2) })],
    { axis: attr.int(0) },
  );
  const up = g.op('Resize', [x, '', '', sizes], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
  return nn.conv(`${prefix}.conv`, up, ch, ch);
}

export function buildSd15ModelUnet(seed: number): ModelData {
  const g = new GraphBuilder('unet');
  const nn = new Layers(g, seed);
  const sample = floatInput(g, 'sample', ['batch', 4, 'height', 'width'], false);
  const timestep = g.input('timestep', DataType.INT64, [1]);
  const context = floatInput(g, 'encoder_hidden_states', ['batch', 'sequence', CONTEXT], false);
  const temb = {
    value: timestepEmbedding(nn, timestep, false, BLOCK_CHANNELS[0], TIME_EMBED),
    dim: TIME_EMBED,
  };

  let h = nn.conv('conv_in', sample, 4, BLOCK_CHANNELS[0]);
  let ch: number = BLOCK_CHANNELS[0];
  const skips: Array<{ value: string; ch: number }> = [{ value: h, ch }];
  BLOCK_CHANNELS.forEach((out, i) => {
    const p = `down_blocks.${i}`;
    for (let j = 0; j < 2; j++) {
      h = nn.resBlock(`${p}.resnets.${j}`, h, ch, out, GROUPS, temb);
      ch = out;
      if (i < 3) h = transformer(nn, `${p}.attentions.${j}`, h, ch, context);
      skips.push({ value: h, ch });
    }
    if (i < 3) {
      h = nn.conv(`${p}.downsamplers.0.conv`, h, ch, ch, { stride: 2 });
      skips.push({ value: h, ch });
    }
  });

  h = nn.resBlock('mid_block.resnets.0', h, ch, ch, GROUPS, temb);
  h = transformer(nn, 'mid_block.attentions.0', h, ch, context);
  h = nn.resBlock('mid_block.resnets.1', h, ch, ch, GROUPS, temb);

  [...BLOCK_CHANNELS].reverse().forEach((out, i) => {
    const p = `up_blocks.${i}`;
    for (let j = 0; j < 3; j++) {
      const skip = skips.pop()!;
      h = g.op('Concat', [h, skip.value], { axis: attr.int(1) });
      h = nn.resBlock(`${p}.resnets.${j}`, h, ch + skip.ch, out, GROUPS, temb);
      ch = out;
      if (i > 0) h = transformer(nn, `${p}.attentions.${j}`, h, ch, context);
    }
    if (i < 3) h = upsample(nn, `${p}.upsamplers.0`, h, ch, skips[skips.length - 1].value);
  });

  h = nn.silu(nn.groupNorm('conv_norm_out', h, ch, GROUPS));
  const proposal = nn.conv('conv_out', h, ch, 4);
  const mean = g.op('Mul', [g.op('Tanh', [proposal]), g.constFloat('prior_scale', [0.7], [])]);
  const variance = g.constFloat('prior_variance', [PRIOR_VARIANCE], []);
  const out = gaussianDenoiser(nn, sample, mean, variance, timestep, false);
  floatOutput(g, out, 'out_sample', ['batch', 4, 'height', 'width'], false);
  return g.toModel({
    metadata: { component: 'unet', in_channels: '4', source: 'easel test model (sd15 shapes)' },
  });
}
