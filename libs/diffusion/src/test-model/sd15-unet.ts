/**
 * A UNet with Stable Diffusion 1.5's architecture and seeded random weights: diffusers' UNet2DConditionModel with
 * block channels 320/640/1280/1280, two ResNets per down block and three per up block with their skips,
 * cross-attention transformers with GEGLU feed-forwards over 768-wide text states, 8 heads — 859,520,964
 * parameters at full width with 4 input channels. Exported as torch.onnx writes SD at opset 14–17 (GroupNorm as
 * InstanceNormalization, attention as MatMul/Softmax). The output head is the test model's exact Gaussian denoiser
 * (unet.ts), so the pipeline still makes bounded latents from random weights. The sd15 test model (cold start and
 * memory) uses the full width; bench/gpu.ts also a narrow one that software Vulkan runs in seconds.
 */
import { attr, DataType, GraphBuilder, type ModelData } from '../onnx/index.js';
import { floatInput, floatOutput } from './io.js';
import { Layers } from './layers.js';
import { gaussianDenoiser, timestepEmbedding, transformer } from './unet.js';

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

const PRIOR_VARIANCE = 0.06;

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

export function buildSd15Unet(
  shape: Sd15UnetShape,
  options: { inChannels?: 4 | 9; seed?: number } = {},
): ModelData {
  const { channels, contextDim, heads, groups } = shape;
  const inChannels = options.inChannels ?? 4;
  const g = new GraphBuilder('unet');
  const nn = new Layers(g, options.seed ?? 15);
  const sample = floatInput(g, 'sample', ['batch', inChannels, 'height', 'width'], false);
  const timestep = g.input('timestep', DataType.INT64, [1]);
  const context = floatInput(g, 'encoder_hidden_states', ['batch', 'sequence', contextDim], false);
  const tembDim = channels[0] * 4;
  const temb = { value: timestepEmbedding(nn, timestep, false, channels[0], tembDim), dim: tembDim };
  const attend = (prefix: string, x: string, ch: number): string =>
    transformer(nn, prefix, x, ch, context, contextDim, heads, groups, true);

  let h = nn.conv('conv_in', sample, inChannels, channels[0]);
  let ch: number = channels[0];
  const skips: Array<{ value: string; ch: number }> = [{ value: h, ch }];
  channels.forEach((out, i) => {
    const p = `down_blocks.${i}`;
    for (let j = 0; j < 2; j++) {
      h = nn.resBlock(`${p}.resnets.${j}`, h, ch, out, groups, temb);
      ch = out;
      if (i < 3) h = attend(`${p}.attentions.${j}`, h, ch);
      skips.push({ value: h, ch });
    }
    if (i < 3) {
      h = nn.conv(`${p}.downsamplers.0.conv`, h, ch, ch, { stride: 2 });
      skips.push({ value: h, ch });
    }
  });

  h = nn.resBlock('mid_block.resnets.0', h, ch, ch, groups, temb);
  h = attend('mid_block.attentions.0', h, ch);
  h = nn.resBlock('mid_block.resnets.1', h, ch, ch, groups, temb);

  [...channels].reverse().forEach((out, i) => {
    const p = `up_blocks.${i}`;
    for (let j = 0; j < 3; j++) {
      const skip = skips.pop()!;
      h = g.op('Concat', [h, skip.value], { axis: attr.int(1) });
      h = nn.resBlock(`${p}.resnets.${j}`, h, ch + skip.ch, out, groups, temb);
      ch = out;
      if (i > 0) h = attend(`${p}.attentions.${j}`, h, ch);
    }
    if (i < 3) h = upsample(nn, `${p}.upsamplers.0`, h, ch, skips[skips.length - 1].value);
  });

  h = nn.silu(nn.groupNorm('conv_norm_out', h, ch, groups));
  const proposal = nn.conv('conv_out', h, ch, 4);
  const mean = g.op('Mul', [g.op('Tanh', [proposal]), g.constFloat('prior_scale', [0.7], [])]);
  const variance = g.constFloat('prior_variance', [PRIOR_VARIANCE], []);
  // The denoiser reads the latent channels only; an inpainting UNet's mask and masked image are conditioning.
  const latents =
    inChannels === 4
      ? sample
      : g.op('Slice', [
          sample,
          g.constInt64('latent_start', [0]),
          g.constInt64('latent_end', [4]),
          g.constInt64('channel_axis', [1]),
        ]);
  const out = gaussianDenoiser(nn, latents, mean, variance, timestep, false);
  floatOutput(g, out, 'out_sample', ['batch', 4, 'height', 'width'], false);
  return g.toModel({
    metadata: {
      component: 'unet',
      in_channels: String(inChannels),
      source: 'easel test model (sd15 shapes)',
    },
  });
}
