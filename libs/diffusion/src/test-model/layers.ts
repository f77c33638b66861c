/**
 * Neural-network building blocks (conv, group norm, attention, ResNet block…)
 * expressed as plain opset-17 ONNX nodes, with seeded weights.
 */
import { attr, GraphBuilder } from '../onnx/index.js';
import { WeightRandom } from './random.js';

export interface ConvOptions {
  kernel?: number;
  stride?: number;
  /** ONNX pads [top, left, bottom, right]; default "same" for odd kernels. */
  pads?: [number, number, number, number];
  /** Scale of the random weights relative to 1/sqrt(fan_in). */
  gain?: number;
  /** Add `identityScale` on the centre tap of channel c→c (for paths that must pass the input through). */
  identityScale?: number;
  identityChannels?: number;
  biasStd?: number;
}

export class Layers {
  readonly rng: WeightRandom;

  constructor(
    readonly g: GraphBuilder,
    seed: number,
  ) {
    this.rng = new WeightRandom(seed);
  }

  weight(prefix: string, dims: readonly number[], std: number): string {
    return this.g.initializer(
      prefix,
      this.rng.normals(
        dims.reduce((a, b) => a * b, 1),
        std,
      ),
      dims,
    );
  }

  filled(prefix: string, dims: readonly number[], value: number): string {
    return this.g.initializer(prefix, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value), dims);
  }

  conv(prefix: string, x: string, cin: number, cout: number, o: ConvOptions = {}): string {
    const k = o.kernel ?? 3;
    const pad = (k - 1) >> 1;
    const w = this.rng.normals(cout * cin * k * k, (o.gain ?? 1) / Math.sqrt(cin * k * k));
    if (o.identityScale !== undefined) {
      const centre = pad * k + pad;
      for (let c = 0; c < Math.min(cin, cout, o.identityChannels ?? cin); c++) {
        w[(c * cin + c) * k * k + centre] += o.identityScale;
      }
    }
    const wName = this.g.initializer(`${prefix}.weight`, w, [cout, cin, k, k]);
    const bName = this.weight(`${prefix}.bias`, [cout], o.biasStd ?? 0.01);
    return this.g.op('Conv', [x, wName, bName], {
      kernel_shape: attr.ints([k, k]),
      strides: attr.ints([o.stride ?? 1, o.stride ?? 1]),
      pads: attr.ints(o.pads ?? [pad, pad, pad, pad]),
    });
  }

  /** x [..., din] · W [din, dout] (+ b). */
  linear(prefix: string, x: string, din: number, dout: number, gain = 1, bias = true): string {
    const w = this.weight(`${prefix}.weight`, [din, dout], gain / Math.sqrt(din));
    const y = this.g.op('MatMul', [x, w]);
    return bias ? this.g.op('Add', [y, this.weight(`${prefix}.bias`, [dout], 0.01)]) : y;
  }

  silu(x: string): string {
    return this.g.op('Mul', [x, this.g.op('Sigmoid', [x])]);
  }

  /** GELU, erf form (the Gelu op only exists from opset 20). */
  gelu(x: string): string {
    const g = this.g;
    const inner = g.op('Erf', [g.op('Mul', [x, g.constFloat('inv_sqrt2', [Math.SQRT1_2], [])])]);
    const onePlus = g.op('Add', [inner, g.constFloat('one', [1], [])]);
    return g.op('Mul', [g.op('Mul', [x, onePlus]), g.constFloat('half', [0.5], [])]);
  }

  /** CLIP's quick_gelu: x·σ(1.702x). */
  quickGelu(x: string): string {
    const g = this.g;
    return g.op('Mul', [x, g.op('Sigmoid', [g.op('Mul', [x, g.constFloat('gelu_k', [1.702], [])])])]);
  }

  /** GroupNorm over NCHW as Reshape → InstanceNormalization → Reshape → affine (GroupNormalization is opset 18). */
  groupNorm(prefix: string, x: string, channels: number, groups: number, eps = 1e-5): string {
    const g = this.g;
    const grouped = g.op('Reshape', [x, g.constInt64('gn_shape', [0, groups, -1])]);
    const normed = g.op(
      'InstanceNormalization',
      [
        grouped,
        this.filled(`${prefix}.in_scale`, [groups], 1),
        this.filled(`${prefix}.in_bias`, [groups], 0),
      ],
      {
        epsilon: attr.float(eps),
      },
    );
    const back = g.op('Reshape', [normed, g.op('Shape', [x])]);
    const gamma = g.initializer(
      `${prefix}.weight`,
      Float32Array.from(this.rng.normals(channels, 0.05), (v) => 1 + v),
      [channels, 1, 1],
    );
    const beta = this.weight(`${prefix}.bias`, [channels, 1, 1], 0.05);
    return g.op('Add', [g.op('Mul', [back, gamma]), beta]);
  }

  layerNorm(prefix: string, x: string, dim: number): string {
    const scale = this.g.initializer(
      `${prefix}.weight`,
      Float32Array.from(this.rng.normals(dim, 0.05), (v) => 1 + v),
      [dim],
    );
    const bias = this.weight(`${prefix}.bias`, [dim], 0.05);
    return this.g.op('LayerNormalization', [x, scale, bias], {
      axis: attr.int(-1),
      epsilon: attr.float(1e-5),
    });
  }

  private splitHeads(x: string, heads: number, headDim: number): string {
    const g = this.g;
    const r = g.op('Reshape', [x, g.constInt64('heads_shape', [0, 0, heads, headDim])]);
    return g.op('Transpose', [r], { perm: attr.ints([0, 2, 1, 3]) });
  }

  /** Multi-head attention: queries from x [B,T,dim], keys/values from context [B,S,ctxDim]; optional additive mask [T,S]. */
  attention(
    prefix: string,
    x: string,
    dim: number,
    heads: number,
    context = x,
    ctxDim = dim,
    mask?: string,
  ): string {
    const g = this.g;
    const headDim = dim / heads;
    const q = this.splitHeads(this.linear(`${prefix}.to_q`, x, dim, dim, 1, false), heads, headDim);
    const k = this.splitHeads(this.linear(`${prefix}.to_k`, context, ctxDim, dim, 1, false), heads, headDim);
    const v = this.splitHeads(this.linear(`${prefix}.to_v`, context, ctxDim, dim, 1, false), heads, headDim);
    const kT = g.op('Transpose', [k], { perm: attr.ints([0, 1, 3, 2]) });
    let scores = g.op('Mul', [
      g.op('MatMul', [q, kT]),
      g.constFloat('attn_scale', [1 / Math.sqrt(headDim)], []),
    ]);
    if (mask) scores = g.op('Add', [scores, mask]);
    const probs = g.op('Softmax', [scores], { axis: attr.int(-1) });
    const merged = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: attr.ints([0, 2, 1, 3]) });
    const flat = g.op('Reshape', [merged, g.constInt64('merge_shape', [0, 0, dim])]);
    return this.linear(`${prefix}.to_out`, flat, dim, dim, 0.5);
  }

  /** Diffusers ResnetBlock2D: GN → SiLU → conv (+ time embedding) → GN → SiLU → conv, plus shortcut. */
  resBlock(
    prefix: string,
    x: string,
    cin: number,
    cout: number,
    groups: number,
    temb?: { value: string; dim: number },
    branchGain = 0.5,
  ): string {
    const g = this.g;
    let h = this.conv(
      `${prefix}.conv1`,
      this.silu(this.groupNorm(`${prefix}.norm1`, x, cin, groups)),
      cin,
      cout,
    );
    if (temb) {
      const proj = this.linear(`${prefix}.time_emb_proj`, this.silu(temb.value), temb.dim, cout);
      h = g.op('Add', [h, g.op('Unsqueeze', [proj, g.constInt64('hw_axes', [2, 3])])]);
    }
    h = this.conv(
      `${prefix}.conv2`,
      this.silu(this.groupNorm(`${prefix}.norm2`, h, cout, groups)),
      cout,
      cout,
      { gain: branchGain },
    );
    const shortcut =
      cin === cout ? x : this.conv(`${prefix}.conv_shortcut`, x, cin, cout, { kernel: 1, identityScale: 1 });
    return g.op('Add', [shortcut, h]);
  }
}
