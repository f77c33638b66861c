/**
 * A scaled-down SD 1.x UNet: sinusoidal timestep embedding + MLP, ResNet
 * blocks with GroupNorm/SiLU, transformer blocks with self- and
 * cross-attention over the 77 text tokens, one strided-conv downsample, one
 * nearest upsample, a skip connection and conv_out.
 *
 * Untrained weights would predict noise unrelated to the sample, and every
 * image would come out saturated noise. So conv_out (plus a pooled-text
 * term) proposes a bounded clean latent μ, and the output head is the exact
 * denoiser for a Gaussian prior N(μ, s²): samplers converge to in-range
 * latents that depend on prompt and seed, and low-strength img2img keeps its
 * input. The 9-channel (inpainting) variant centres the prior tightly on the
 * masked-image latents outside the mask, so unmasked pixels survive.
 */
import { attr, DataType, GraphBuilder, type ModelData } from '../onnx/index.js';
import { Layers } from './layers.js';
import { floatInput, floatOutput } from './io.js';
import type { TestModelShape } from './sizes.js';

/** Spread of generated latents around the network's proposal (SD's scaled latents have unit-ish scale). */
const PRIOR_VARIANCE = 0.06;

export interface UnetOptions {
  inChannels: 4 | 9;
  timestepType: 'int64' | 'float32';
  /** fp16 sample / encoder_hidden_states / out_sample, as an fp16 export has. */
  fp16?: boolean;
}

export function transformer(
  nn: Layers,
  prefix: string,
  x: string,
  ch: number,
  context: string,
  ctxDim: number,
  heads: number,
  groups: number,
  /** SD's GEGLU feed-forward (a GELU-gated projection to 2·4·ch) instead of a plain GELU one. */
  geglu = false,
): string {
  const g = nn.g;
  const n = nn.conv(`${prefix}.proj_in`, nn.groupNorm(`${prefix}.norm`, x, ch, groups), ch, ch, {
    kernel: 1,
  });
  let seq = g.op('Transpose', [g.op('Reshape', [n, g.constInt64('flat_shape', [0, ch, -1])])], {
    perm: attr.ints([0, 2, 1]),
  });
  const b = `${prefix}.transformer_blocks.0`;
  seq = g.op('Add', [seq, nn.attention(`${b}.attn1`, nn.layerNorm(`${b}.norm1`, seq, ch), ch, heads)]);
  seq = g.op('Add', [
    seq,
    nn.attention(`${b}.attn2`, nn.layerNorm(`${b}.norm2`, seq, ch), ch, heads, context, ctxDim),
  ]);
  const inner = ch * 4;
  const normed = nn.layerNorm(`${b}.norm3`, seq, ch);
  let ff: string;
  if (geglu) {
    const proj = nn.linear(`${b}.ff.net.0.proj`, normed, ch, inner * 2);
    const [hidden, gate] = g.node(
      'Split',
      [proj, g.constInt64('geglu_split', [inner, inner])],
      { axis: attr.int(-1) },
      2,
    );
    ff = g.op('Mul', [hidden, nn.gelu(gate)]);
  } else {
    ff = nn.gelu(nn.linear(`${b}.ff.proj`, normed, ch, inner));
  }
  seq = g.op('Add', [seq, nn.linear(geglu ? `${b}.ff.net.2` : `${b}.ff.out`, ff, inner, ch, 0.5)]);
  const back = g.op('Reshape', [
    g.op('Transpose', [seq], { perm: attr.ints([0, 2, 1]) }),
    g.op('Shape', [x]),
  ]);
  return g.op('Add', [x, nn.conv(`${prefix}.proj_out`, back, ch, ch, { kernel: 1, gain: 0.5 })]);
}

export function timestepEmbedding(
  nn: Layers,
  timestep: string,
  isFloat: boolean,
  channels: number,
  dim: number,
): string {
  const g = nn.g;
  const half = channels / 2;
  // diffusers Timesteps(flip_sin_to_cos=True, downscale_freq_shift=0): [cos(t·f), sin(t·f)], f = 10000^(-i/half)
  const freqs = Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const t = isFloat ? timestep : g.op('Cast', [timestep], { to: attr.int(DataType.FLOAT) });
  const args = g.op('Mul', [
    g.op('Unsqueeze', [t, g.constInt64('axis1', [1])]),
    g.constFloat('freqs', freqs, [1, half]),
  ]);
  const emb = g.op('Concat', [g.op('Cos', [args]), g.op('Sin', [args])], { axis: attr.int(1) });
  return nn.linear(
    'time_embedding.linear_2',
    nn.silu(nn.linear('time_embedding.linear_1', emb, channels, dim)),
    dim,
    dim,
  );
}

/**
 * The optimal ε for a Gaussian prior x0 ~ N(μ, s²) under SD 1.x's training schedule (scaled-linear betas):
 * ε̂ = √(1−ᾱ)·(x_t − √ᾱ·μ) / (ᾱ·s² + 1 − ᾱ). Samplers then map pure noise onto N(μ, s²), and at low
 * noise ε̂ is small, so img2img at low strength keeps the input, as a trained model does.
 */
export function gaussianDenoiser(
  nn: Layers,
  noisy: string,
  mean: string,
  variance: string,
  timestep: string,
  isFloat: boolean,
): string {
  const g = nn.g;
  const alphas = new Float32Array(1000);
  let prod = 1;
  for (let i = 0; i < 1000; i++) {
    const beta = (Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * i) / 999) ** 2;
    prod *= 1 - beta;
    alphas[i] = prod;
  }
  const index = isFloat
    ? g.op('Cast', [g.op('Round', [timestep])], { to: attr.int(DataType.INT64) })
    : timestep;
  const clipped = g.op('Clip', [
    index,
    g.initializer('t_min', BigInt64Array.of(0n), []),
    g.initializer('t_max', BigInt64Array.of(999n), []),
  ]);
  const a = g.op('Reshape', [
    g.op('Gather', [g.initializer('alphas_cumprod', alphas, [1000]), clipped]),
    g.constInt64('bcast', [-1, 1, 1, 1]),
  ]);
  const oneMinusA = g.op('Sub', [g.constFloat('one', [1], []), a]);
  const residual = g.op('Sub', [noisy, g.op('Mul', [g.op('Sqrt', [a]), mean])]);
  const denominator = g.op('Add', [g.op('Mul', [a, variance]), oneMinusA]);
  return g.op('Div', [g.op('Mul', [g.op('Sqrt', [oneMinusA]), residual]), denominator]);
}

function sliceChannels(g: GraphBuilder, x: string, from: number, to: number): string {
  return g.op('Slice', [
    x,
    g.constInt64('start', [from]),
    g.constInt64('end', [to]),
    g.constInt64('axis', [1]),
  ]);
}

export function buildUnet(shape: TestModelShape, seed: number, o: UnetOptions): ModelData {
  const g = new GraphBuilder('unet');
  const nn = new Layers(g, seed);
  const [c0, c1] = shape.unetChannels;
  const groups = shape.unetGroups;
  const ctxDim = shape.textHidden;
  const isFloat = o.timestepType === 'float32';

  const fp16 = o.fp16 ?? false;
  const sample = floatInput(g, 'sample', ['batch', o.inChannels, 'height', 'width'], fp16);
  const timestep = g.input('timestep', isFloat ? DataType.FLOAT : DataType.INT64, isFloat ? ['batch'] : [1]);
  const context = floatInput(g, 'encoder_hidden_states', ['batch', 'sequence', ctxDim], fp16); // 77·k for long prompts, as diffusers' export
  const temb = { value: timestepEmbedding(nn, timestep, isFloat, c0, shape.timeEmbed), dim: shape.timeEmbed };

  let h = nn.conv('conv_in', sample, o.inChannels, c0);
  h = nn.resBlock('down_blocks.0.resnets.0', h, c0, c0, groups, temb);
  const skip = transformer(nn, 'down_blocks.0.attentions.0', h, c0, context, ctxDim, shape.unetHeads, groups);
  h = nn.conv('down_blocks.0.downsamplers.0', skip, c0, c0, { stride: 2 });

  h = nn.resBlock('mid_block.resnets.0', h, c0, c1, groups, temb);
  h = transformer(nn, 'mid_block.attentions.0', h, c1, context, ctxDim, shape.unetHeads, groups);
  h = nn.resBlock('mid_block.resnets.1', h, c1, c1, groups, temb);

  // Resize to the skip's exact size, so odd latent sizes work too.
  const sizes = g.op(
    'Concat',
    [g.op('Shape', [h], { end: attr.int(2) }), g.op('Shape', [skip], { start: attr.int(2) })],
    { axis: attr.int(0) },
  );
  h = g.op('Resize', [h, '', '', sizes], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
  h = nn.conv('up_blocks.0.upsamplers.0', h, c1, c1);
  h = g.op('Concat', [h, skip], { axis: attr.int(1) });
  h = nn.resBlock('up_blocks.0.resnets.0', h, c1 + c0, c0, groups, temb);
  h = transformer(nn, 'up_blocks.0.attentions.0', h, c0, context, ctxDim, shape.unetHeads, groups);

  h = nn.silu(nn.groupNorm('conv_norm_out', h, c0, groups));
  // The network proposes a clean latent in SD's scaled latent range; the head turns it into the ε that
  // leads there under the training schedule, so samplers converge to in-range, prompt-dependent latents.
  // Plus a pooled-text term (like a prompt's global colour cast) so prompts visibly differ.
  const pooled = g.op('ReduceMean', [context], { axes: attr.ints([1]), keepdims: attr.int(0) });
  const cast = g.op('Unsqueeze', [
    nn.linear('text_cast', pooled, ctxDim, 4, 1.2),
    g.constInt64('hw_axes', [2, 3]),
  ]);
  const proposal = g.op('Add', [nn.conv('conv_out', h, c0, 4), cast]);
  let mean = g.op('Mul', [g.op('Tanh', [proposal]), g.constFloat('prior_scale', [0.7], [])]);
  let variance = g.constFloat('prior_variance', [PRIOR_VARIANCE], []);
  if (o.inChannels === 9) {
    // Inpainting: outside the mask the prior is the masked image's latents, held tightly, as a trained model keeps them.
    const mask = sliceChannels(g, sample, 4, 5);
    const keep = g.op('Sub', [g.constFloat('one', [1], []), mask]);
    mean = g.op('Add', [g.op('Mul', [mean, mask]), g.op('Mul', [sliceChannels(g, sample, 5, 9), keep])]);
    variance = g.op('Add', [
      g.op('Mul', [variance, mask]),
      g.op('Mul', [g.constFloat('known_variance', [1e-6], []), keep]),
    ]);
  }
  const noisy = o.inChannels === 9 ? sliceChannels(g, sample, 0, 4) : sample;
  const out = gaussianDenoiser(nn, noisy, mean, variance, timestep, isFloat);
  floatOutput(g, out, 'out_sample', ['batch', 4, 'height', 'width'], fp16);
  return g.toModel({
    metadata: { component: 'unet', in_channels: String(o.inChannels), source: 'easel test model' },
  });
}
