/**
 * VAE encoder and decoder with Stable Diffusion 1.5's AutoencoderKL architecture (block channels
 * 128/256/512/512, two ResNets per encoder block, three per decoder block, a single-head attention in each
 * mid block, 4 latent channels) and seeded random weights, for cold-start and memory benchmarks. Unlike the
 * small test VAE it does not pass images through: its pictures are noise, its cost is the real one.
 */
import { attr, GraphBuilder, type ModelData } from '../onnx/index.js';
import { floatInput, floatOutput } from './io.js';
import { Layers } from './layers.js';

const BLOCK_CHANNELS = [128, 256, 512, 512] as const;
const GROUPS = 32;
const LATENT = 4;

/** diffusers' VAE mid-block Attention: GroupNorm, one head over all pixels, biased q/k/v/out, residual. */
function midAttention(nn: Layers, prefix: string, x: string, ch: number): string {
  const g = nn.g;
  const normed = nn.groupNorm(`${prefix}.group_norm`, x, ch, GROUPS);
  const seq = g.op('Transpose', [g.op('Reshape', [normed, g.constInt64('flat_shape', [0, ch, -1])])], {
    perm: attr.ints([0, 2, 1]),
  });
  const q = nn.linear(`${prefix}.to_q`, seq, ch, ch);
  const k = nn.linear(`${prefix}.to_k`, seq, ch, ch);
  const v = nn.linear(`${prefix}.to_v`, seq, ch, ch);
  const scores = g.op('Mul', [
    g.op('MatMul', [q, g.op('Transpose', [k], { perm: attr.ints([0, 2, 1]) })]),
    g.constFloat('attn_scale', [1 / Math.sqrt(ch)], []),
  ]);
  const mixed = g.op('MatMul', [g.op('Softmax', [scores], { axis: attr.int(-1) }), v]);
  const out = nn.linear(`${prefix}.to_out.0`, mixed, ch, ch, 0.5);
  const back = g.op('Reshape', [
    g.op('Transpose', [out], { perm: attr.ints([0, 2, 1]) }),
    g.op('Shape', [x]),
  ]);
  return g.op('Add', [x, back]);
}

function midBlock(nn: Layers, prefix: string, x: string, ch: number): string {
  let h = nn.resBlock(`${prefix}.resnets.0`, x, ch, ch, GROUPS);
  h = midAttention(nn, `${prefix}.attentions.0`, h, ch);
  return nn.resBlock(`${prefix}.resnets.1`, h, ch, ch, GROUPS);
}

export function buildSd15VaeEncoder(seed: number): ModelData {
  const g = new GraphBuilder('vae_encoder');
  const nn = new Layers(g, seed);
  const image = floatInput(g, 'sample', ['batch', 3, 'height', 'width'], false);
  let ch: number = BLOCK_CHANNELS[0];
  let h = nn.conv('encoder.conv_in', image, 3, ch);
  BLOCK_CHANNELS.forEach((out, i) => {
    for (let j = 0; j < 2; j++) {
      h = nn.resBlock(`encoder.down_blocks.${i}.resnets.${j}`, h, ch, out, GROUPS);
      ch = out;
    }
    // diffusers pads (0, 1, 0, 1) before its stride-2 conv.
    if (i < 3)
      h = nn.conv(`encoder.down_blocks.${i}.downsamplers.0.conv`, h, ch, ch, {
        stride: 2,
        pads: [0, 0, 1, 1],
      });
  });
  h = midBlock(nn, 'encoder.mid_block', h, ch);
  h = nn.silu(nn.groupNorm('encoder.conv_norm_out', h, ch, GROUPS));
  const params = nn.conv('encoder.conv_out', h, ch, 2 * LATENT);
  const moments = nn.conv('quant_conv', params, 2 * LATENT, 2 * LATENT, { kernel: 1 });
  floatOutput(g, moments, 'latent_parameters', ['batch', 2 * LATENT, 'latent_height', 'latent_width'], false);
  return g.toModel({ metadata: { component: 'vae_encoder', source: 'easel test model (sd15 shapes)' } });
}

export function buildSd15VaeDecoder(seed: number): ModelData {
  const g = new GraphBuilder('vae_decoder');
  const nn = new Layers(g, seed);
  const latents = floatInput(g, 'latent_sample', ['batch', LATENT, 'latent_height', 'latent_width'], false);
  let h = nn.conv('post_quant_conv', latents, LATENT, LATENT, { kernel: 1 });
  let ch: number = BLOCK_CHANNELS[3];
  h = nn.conv('decoder.conv_in', h, LATENT, ch);
  h = midBlock(nn, 'decoder.mid_block', h, ch);
  const scales = g.constFloat('scales', [1, 1, 2, 2], [4]);
  [...BLOCK_CHANNELS].reverse().forEach((out, i) => {
    for (let j = 0; j < 3; j++) {
      h = nn.resBlock(`decoder.up_blocks.${i}.resnets.${j}`, h, ch, out, GROUPS);
      ch = out;
    }
    if (i < 3) {
      h = g.op('Resize', [h, '', scales], {
        mode: 'nearest',
        coordinate_transformation_mode: 'asymmetric',
        nearest_mode: 'floor',
      });
      h = nn.conv(`decoder.up_blocks.${i}.upsamplers.0.conv`, h, ch, ch);
    }
  });
  h = nn.silu(nn.groupNorm('decoder.conv_norm_out', h, ch, GROUPS));
  const image = nn.conv('decoder.conv_out', h, ch, 3);
  floatOutput(g, image, 'sample', ['batch', 3, 'height', 'width'], false);
  return g.toModel({ metadata: { component: 'vae_decoder', source: 'easel test model (sd15 shapes)' } });
}
