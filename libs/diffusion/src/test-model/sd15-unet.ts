/**
 * A UNet shaped like Stable Diffusion 1.5's, with seeded random weights, for speed measurements (bench/gpu.ts):
 * the same blocks, channels (320/640/1280/1280), 8 attention heads, 768-wide text context, two ResNets per down
 * block and three per up block with their skip connections, and a transformer after each ResNet of the
 * cross-attention blocks. Simplifications that barely change the work: a GELU feed-forward (SD's is GEGLU, ~10%
 * more FLOPs) and one shared sinusoidal timestep embedding. Inputs and output as diffusers' ONNX export.
 */
import { attr, DataType, GraphBuilder, type ModelData } from '../onnx/index.js';
import { Layers } from './layers.js';
import { timestepEmbedding, transformer } from './unet.js';

export interface Sd15UnetShape {
  channels: readonly [number, number, number, number];
  contextDim: number;
  heads: number;
  groups: number;
}

export const SD15_UNET: Sd15UnetShape = {
  channels: [320, 640, 1280, 1280],
  contextDim: 768,
  heads: 8,
  groups: 32,
};
/** The same topology at a width lavapipe (software Vulkan) runs in seconds. */
export const SD15_UNET_SMALL: Sd15UnetShape = {
  channels: [32, 64, 128, 128],
  contextDim: 64,
  heads: 2,
  groups: 8,
};

export function buildSd15Unet(shape: Sd15UnetShape, inChannels: 4 | 9, seed = 15): ModelData {
  const g = new GraphBuilder('unet');
  const nn = new Layers(g, seed);
  const { channels, contextDim, heads, groups } = shape;
  const sample = g.input('sample', DataType.FLOAT, ['batch', inChannels, 'height', 'width']);
  const timestep = g.input('timestep', DataType.INT64, [1]);
  const context = g.input('encoder_hidden_states', DataType.FLOAT, ['batch', 'sequence', contextDim]);
  const tembDim = channels[0] * 4;
  const temb = { value: timestepEmbedding(nn, timestep, false, channels[0], tembDim), dim: tembDim };
  const attend = (prefix: string, x: string, ch: number): string =>
    transformer(nn, prefix, x, ch, context, contextDim, heads, groups);

  let h = nn.conv('conv_in', sample, inChannels, channels[0]);
  let ch = channels[0];
  const skips: Array<{ value: string; ch: number }> = [{ value: h, ch }];
  for (const [i, out] of channels.entries()) {
    const crossAttention = i < 3;
    for (let r = 0; r < 2; r++) {
      h = nn.resBlock(`down_blocks.${i}.resnets.${r}`, h, ch, out, groups, temb);
      ch = out;
      if (crossAttention) h = attend(`down_blocks.${i}.attentions.${r}`, h, ch);
      skips.push({ value: h, ch });
    }
    if (i < 3) {
      h = nn.conv(`down_blocks.${i}.downsamplers.0`, h, ch, ch, { stride: 2 });
      skips.push({ value: h, ch });
    }
  }
  h = nn.resBlock('mid_block.resnets.0', h, ch, ch, groups, temb);
  h = attend('mid_block.attentions.0', h, ch);
  h = nn.resBlock('mid_block.resnets.1', h, ch, ch, groups, temb);

  const up = [...channels].reverse();
  for (const [i, out] of up.entries()) {
    const crossAttention = i > 0;
    for (let r = 0; r < 3; r++) {
      const skip = skips.pop()!;
      h = g.op('Concat', [h, skip.value], { axis: attr.int(1) });
      h = nn.resBlock(`up_blocks.${i}.resnets.${r}`, h, ch + skip.ch, out, groups, temb);
      ch = out;
      if (crossAttention) h = attend(`up_blocks.${i}.attentions.${r}`, h, ch);
    }
    if (i < 3) {
      const size = g.op('Mul', [g.op('Shape', [h]), g.constInt64('up_scale', [1, 1, 2, 2])]);
      h = g.op('Resize', [h, '', '', size], { mode: 'nearest', nearest_mode: 'floor' });
      h = nn.conv(`up_blocks.${i}.upsamplers.0`, h, ch, ch);
    }
  }
  h = nn.silu(nn.groupNorm('conv_norm_out', h, ch, groups));
  g.op('Identity', [nn.conv('conv_out', h, ch, 4)], {}, 'out_sample');
  g.output('out_sample', DataType.FLOAT, ['batch', 4, 'height', 'width']);
  return g.toModel({ metadata: { component: 'unet', shape: 'sd15', source: 'easel benchmark model' } });
}
