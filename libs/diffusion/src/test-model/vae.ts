/**
 * VAE encoder and decoder with the SD layout (factor 8, 4 latent channels,
 * mean‖logvar parameters) whose weights pass the image through: RGB maps to
 * latent channels 0–2 in SD's latent scale (÷ 0.18215) by 8×8 averaging, and
 * back by nearest upsampling, with small seeded ResNet branches on top. So
 * decode(encode(x)) ≈ x blurred to 8×8 blocks, which lets pipeline tests
 * check img2img and inpainting behaviour.
 */
import { attr, DataType, GraphBuilder, type ModelData } from '../onnx/index.js';
import { Layers } from './layers.js';
import { floatInput, floatOutput } from './io.js';
import type { TestModelShape } from './sizes.js';

export const VAE_SCALING_FACTOR = 0.18215;
const LATENT = 4;
const BRANCH_GAIN = 0.02;
const PATH_NOISE = 0.005;

/** Stride-2 conv with diffusers' (0,1,0,1) padding whose c→c weights average each 2×2 block. */
function averagingDownsample(nn: Layers, prefix: string, x: string, ch: number): string {
  const g = nn.g;
  const w = nn.rng.normals(ch * ch * 9, PATH_NOISE / Math.sqrt(ch * 9));
  for (let c = 0; c < ch; c++) for (const tap of [0, 1, 3, 4]) w[(c * ch + c) * 9 + tap] += 0.25;
  return g.op(
    'Conv',
    [x, g.initializer(`${prefix}.weight`, w, [ch, ch, 3, 3]), nn.weight(`${prefix}.bias`, [ch], 0.001)],
    {
      kernel_shape: attr.ints([3, 3]),
      strides: attr.ints([2, 2]),
      pads: attr.ints([0, 0, 1, 1]),
    },
  );
}

/**
 * What the encoder returns: the moments (`latent_parameters`, Optimum's layout), the mean as `latent_sample`, or
 * `sampling`: a `latent_sample` drawn inside the graph from unseeded noise, as diffusers' convert script exports
 * `encode(x).latent_dist.sample()` (chunk, clamp, exp, RandomNormalLike).
 */
export type VaeEncoderOutput = 'latent_parameters' | 'latent_sample' | 'sampling';

export function buildVaeEncoder(
  shape: TestModelShape,
  seed: number,
  output: VaeEncoderOutput,
  fp16 = false,
): ModelData {
  const g = new GraphBuilder('vae_encoder');
  const nn = new Layers(g, seed);
  const ch = shape.vaeChannels;
  const image = floatInput(g, 'sample', ['batch', 3, 'height', 'width'], fp16);
  let h = nn.conv('encoder.conv_in', image, 3, ch, { gain: PATH_NOISE, biasStd: 0.001, identityScale: 1 });
  for (let i = 0; i < 3; i++) h = averagingDownsample(nn, `encoder.down_blocks.${i}.downsamplers.0`, h, ch);
  h = nn.resBlock('encoder.mid_block.resnets.0', h, ch, ch, shape.vaeGroups, undefined, BRANCH_GAIN);
  // conv_out → 2·LATENT channels (mean ‖ logvar); RGB lands on mean channels 0–2 in latent units.
  const params = nn.conv('encoder.conv_out', h, ch, 2 * LATENT, {
    gain: PATH_NOISE,
    biasStd: 0.001,
    identityScale: 1 / VAE_SCALING_FACTOR,
    identityChannels: 3,
  });
  const logvarShift = new Float32Array(2 * LATENT);
  logvarShift.fill(-12, LATENT);
  const moments = nn.conv(
    'quant_conv',
    g.op('Add', [params, g.constFloat('logvar_shift', logvarShift, [2 * LATENT, 1, 1])]),
    2 * LATENT,
    2 * LATENT,
    {
      kernel: 1,
      gain: PATH_NOISE,
      biasStd: 0.001,
      identityScale: 1,
    },
  );
  if (output === 'latent_parameters') {
    floatOutput(
      g,
      moments,
      'latent_parameters',
      ['batch', 2 * LATENT, 'latent_height', 'latent_width'],
      fp16,
    );
  } else if (output === 'sampling') {
    const [mean, logvar] = g.node(
      'Split',
      [moments, g.constInt64('split', [LATENT, LATENT])],
      { axis: attr.int(1) },
      2,
    );
    const clamped = g.op('Clip', [
      logvar,
      g.constFloat('logvar_min', [-30], []),
      g.constFloat('logvar_max', [20], []),
    ]);
    const std = g.op('Exp', [g.op('Mul', [clamped, g.constFloat('half', [0.5], [])])]);
    const noise = g.op('RandomNormalLike', [g.op('ConstantOfShape', [g.op('Shape', [mean])])], {
      dtype: attr.int(DataType.FLOAT),
    });
    const sample = g.op('Add', [mean, g.op('Mul', [std, noise])]);
    floatOutput(g, sample, 'latent_sample', ['batch', LATENT, 'latent_height', 'latent_width'], fp16);
  } else {
    // Some exporters return the mean as the "sample" for this layout.
    const mean = g.op('Slice', [
      moments,
      g.constInt64('start', [0]),
      g.constInt64('end', [LATENT]),
      g.constInt64('axis', [1]),
    ]);
    floatOutput(g, mean, 'latent_sample', ['batch', LATENT, 'latent_height', 'latent_width'], fp16);
  }
  return g.toModel({ metadata: { component: 'vae_encoder', source: 'easel test model' } });
}

export function buildVaeDecoder(shape: TestModelShape, seed: number, fp16 = false): ModelData {
  const g = new GraphBuilder('vae_decoder');
  const nn = new Layers(g, seed);
  const ch = shape.vaeChannels;
  const latents = floatInput(g, 'latent_sample', ['batch', LATENT, 'latent_height', 'latent_width'], fp16);
  let h = nn.conv('post_quant_conv', latents, LATENT, LATENT, {
    kernel: 1,
    gain: PATH_NOISE,
    identityScale: 1,
  });
  h = nn.conv('decoder.conv_in', h, LATENT, ch, {
    gain: PATH_NOISE,
    biasStd: 0.001,
    identityScale: VAE_SCALING_FACTOR,
    identityChannels: 3,
  });
  h = nn.resBlock('decoder.mid_block.resnets.0', h, ch, ch, shape.vaeGroups, undefined, BRANCH_GAIN);
  const scales = g.constFloat('scales', [1, 1, 2, 2], [4]);
  for (let i = 0; i < 3; i++) {
    h = g.op('Resize', [h, '', scales], {
      mode: 'nearest',
      coordinate_transformation_mode: 'asymmetric',
      nearest_mode: 'floor',
    });
    h = nn.conv(`decoder.up_blocks.${i}.upsamplers.0.conv`, h, ch, ch, {
      gain: PATH_NOISE,
      biasStd: 0.001,
      identityScale: 1,
    });
  }
  h = nn.resBlock('decoder.up_blocks.3.resnets.0', h, ch, ch, shape.vaeGroups, undefined, BRANCH_GAIN);
  // No tanh: like SD's decoder the output may leave [-1, 1] and the pipeline clamps.
  const image = nn.conv('decoder.conv_out', h, ch, 3, { gain: PATH_NOISE, biasStd: 0.001, identityScale: 1 });
  floatOutput(g, image, 'sample', ['batch', 3, 'height', 'width'], fp16);
  return g.toModel({ metadata: { component: 'vae_decoder', source: 'easel test model' } });
}
