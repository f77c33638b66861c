/**
 * SdModel: the sessions of one SD 1.x model folder (diffusers ONNX layout),
 * created once (UNet first), with the tensor plumbing the pipeline needs:
 * dtype/precision from session metadata, fp16 conversion, shape checks and
 * cumulative session.run timings.
 */
import { readFile } from 'node:fs/promises';
import { readGraph } from '../onnx/index.js';
import type { SchedulerConfig } from '../schedulers/index.js';
import { ClipTokenizer } from '../tokenizer/index.js';
import {
  ModelError,
  OnnxSession,
  resolveExecutionProviders,
  type Tensor,
  type ProviderOptions,
  type SessionConfig,
  type SessionTuning,
} from '../runtime/index.js';
import { DeviceConditioning } from './device-conditioning.js';
import {
  DEFAULT_NATIVE_SIZE,
  locateModelFolder,
  readJsonObject,
  readUnetSampleSize,
  readVaeSettings,
  type ModelFolder,
} from './model-folder.js';
import { recoverLatentParameters } from './sampling-encoder.js';
import {
  floatTensor,
  floatType,
  idsTensor,
  readFloats,
  ReusedFloatTensor,
  timestepTensor,
  type FloatType,
} from './tensors.js';

export interface ModelLoadOptions extends SessionTuning {
  /** Default ['cpu']; e.g. ['cuda', 'cpu'] or ['cuda:1']. */
  executionProviders?: string[];
  /** Default false: a missing provider (or no WebGPU adapter) is an error. True: log a line and use CPU. */
  fallbackToCpu?: boolean;
  /** Options per provider, e.g. { webgpu: { preferredLayout: 'NCHW' } } (runtime/providers.ts). */
  providerOptions?: ProviderOptions;
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  log?: (line: string) => void;
}

export interface SessionTimings {
  textEncoderMs: number;
  unetMs: number;
  vaeDecoderMs: number;
  vaeEncoderMs: number;
  unetCalls: number;
}

type Shape4 = readonly [number, number, number, number];
const TOKENS = 77;

interface Sessions {
  unet: OnnxSession;
  textEncoder: OnnxSession;
  vaeDecoder: OnnxSession;
  vaeEncoder: OnnxSession | null;
}

export class SdModel {
  private released = false;
  // The denoising loop passes the same input buffers every step: their float32 tensors are made once.
  private readonly unetSample = new ReusedFloatTensor();
  private readonly unetHidden = new ReusedFloatTensor();
  /** With the UNet on WebGPU: the text conditioning stays on the GPU across steps. */
  private readonly deviceHidden: DeviceConditioning | null;

  private constructor(
    readonly dir: string,
    private readonly sessions: Sessions,
    readonly tokenizer: ClipTokenizer,
    readonly schedulerConfig: SchedulerConfig,
    readonly vaeScalingFactor: number,
    readonly vaeScaleFactor: number,
    readonly textHiddenSize: number,
    readonly unetInChannels: 4 | 9,
    readonly latentChannels: number,
    private readonly unetFloat: FloatType,
    /** The size the model was trained at, in pixels: the default output size, as diffusers' pipelines use. */
    readonly nativeSize: { width: number; height: number },
  ) {
    this.deviceHidden = sessions.unet.providers[0] === 'webgpu' ? new DeviceConditioning() : null;
  }

  static async load(dir: string, options: ModelLoadOptions = {}): Promise<SdModel> {
    const folder = await locateModelFolder(dir);
    // Resolved once for all four sessions, so a fallback is decided and logged once.
    const resolvedProviders = await resolveExecutionProviders(options.executionProviders, options);
    const config: SessionConfig = { ...options, resolvedProviders };
    const opened: OnnxSession[] = [];
    const open = async (label: string, file: string, bytes?: Uint8Array): Promise<OnnxSession> => {
      const s = await OnnxSession.create(label, file, config, bytes);
      opened.push(s);
      return s;
    };
    try {
      // UNet first: it is the largest, so a memory or provider problem shows before the rest loads.
      const unet = await open('unet', folder.unet);
      unet.requireNames(['sample', 'timestep', 'encoder_hidden_states'], ['out_sample']);
      options.log?.(`unet loaded on ${unet.providers.join(', ')}: ${folder.unet}`);
      const textEncoder = await open('text_encoder', folder.textEncoder);
      textEncoder.requireNames(['input_ids'], ['last_hidden_state']);
      const vaeDecoder = await open('vae_decoder', folder.vaeDecoder);
      vaeDecoder.requireNames(['latent_sample'], ['sample']);
      let vaeEncoder = folder.vaeEncoder ? await open('vae_encoder', folder.vaeEncoder) : null;
      if (vaeEncoder && !vaeEncoder.outputs.has('latent_parameters')) {
        const recovered = await readSamplingEncoder(vaeEncoder.modelPath, options.log);
        if (recovered) {
          await vaeEncoder.release();
          vaeEncoder = await open('vae_encoder', vaeEncoder.modelPath, recovered);
        }
      }
      if (vaeEncoder) {
        const out = vaeEncoder.outputs.has('latent_parameters') ? 'latent_parameters' : 'latent_sample';
        vaeEncoder.requireNames(['sample'], [out]);
      }
      const sessions = { unet, textEncoder, vaeDecoder, vaeEncoder };
      return await SdModel.assemble(folder, sessions);
    } catch (err) {
      await Promise.allSettled(opened.map((s) => s.release()));
      throw err;
    }
  }

  private static async assemble(folder: ModelFolder, s: Sessions): Promise<SdModel> {
    const sample = s.unet.input('sample');
    // A symbolic channel axis is rare; then the pipeline class in model_index.json decides.
    const declared = sample.shape[1];
    const channels = typeof declared === 'number' ? declared : /Inpaint/i.test(folder.className) ? 9 : 4;
    if (channels !== 4 && channels !== 9) {
      throw new ModelError(
        'unsupported',
        `unet (${folder.unet}): sample has ${String(channels)} channels; expected 4, or 9 for inpainting`,
      );
    }
    const outChannels = s.unet.outputs.get('out_sample')?.shape[1];
    const latentChannels = typeof outChannels === 'number' ? outChannels : 4;
    const unetFloat = floatType(sample.type, 'unet sample');
    const hiddenDim =
      s.textEncoder.outputs.get('last_hidden_state')?.shape[2] ??
      s.unet.input('encoder_hidden_states').shape[2];
    const tokenizer = await loadTokenizer(folder);
    const schedulerConfig = (await readJsonObject(
      folder.schedulerConfig,
      'scheduler config',
    )) as SchedulerConfig;
    const vae = await readVaeSettings(folder);
    const hidden =
      typeof hiddenDim === 'number' ? hiddenDim : await probeHiddenSize(s.textEncoder, tokenizer);
    // unet/config.json's sample_size, else a graph with fixed latent dimensions, else SD 1.x's 512.
    const [, , fixedH, fixedW] = sample.shape;
    const latentSize =
      (await readUnetSampleSize(folder)) ??
      (typeof fixedH === 'number' && typeof fixedW === 'number' ? { height: fixedH, width: fixedW } : null);
    const nativeSize = latentSize
      ? { width: latentSize.width * vae.scaleFactor, height: latentSize.height * vae.scaleFactor }
      : { width: DEFAULT_NATIVE_SIZE, height: DEFAULT_NATIVE_SIZE };
    return new SdModel(
      folder.dir,
      s,
      tokenizer,
      schedulerConfig,
      vae.scalingFactor,
      vae.scaleFactor,
      hidden,
      channels,
      latentChannels,
      unetFloat,
      nativeSize,
    );
  }

  get hasVaeEncoder(): boolean {
    return this.sessions.vaeEncoder !== null;
  }

  /** Execution providers the sessions run on, e.g. ['cuda', 'cpu'] (for logs and health reports). */
  get executionProviders(): readonly string[] {
    return this.sessions.unet.providers;
  }

  /** Cumulative session.run wall time per component since load (or the last resetTimings). */
  get timings(): SessionTimings {
    const s = this.sessions;
    return {
      textEncoderMs: s.textEncoder.runMs,
      unetMs: s.unet.runMs,
      vaeDecoderMs: s.vaeDecoder.runMs,
      vaeEncoderMs: s.vaeEncoder?.runMs ?? 0,
      unetCalls: s.unet.runs,
    };
  }

  resetTimings(): void {
    for (const s of this.allSessions()) {
      s.runMs = 0;
      s.runs = 0;
    }
  }

  /** ids [B,77] → last_hidden_state [B,77,C]. */
  async encodeText(ids: Int32Array, batch: number): Promise<Float32Array> {
    expectLength('encodeText ids', ids.length, batch * TOKENS);
    const te = this.sessions.textEncoder;
    const input = idsTensor(ids, [batch, TOKENS], te.input('input_ids').type, 'text_encoder');
    const out = await te.run({ input_ids: input }, ['last_hidden_state']);
    return readFloats(out.last_hidden_state, 'text_encoder last_hidden_state');
  }

  /** UNet noise prediction; sample [B, unetInChannels, h, w], hidden [B,77,C] → [B, latentChannels, h, w]. */
  async predictNoise(
    sample: Float32Array,
    shape: Shape4,
    t: number,
    hidden: Float32Array,
    batch: number,
  ): Promise<Float32Array> {
    const [b, c, h, w] = shape;
    if (b !== batch || c !== this.unetInChannels) {
      throw new ModelError(
        'bad_tensor',
        `predictNoise: sample shape [${shape.join(',')}] for batch ${batch}; the UNet takes ${this.unetInChannels} channels`,
      );
    }
    expectLength('predictNoise sample', sample.length, b * c * h * w);
    // Prompts longer than 75 tokens arrive as 77-token blocks concatenated along the sequence axis (A1111-style).
    const tokens = hidden.length / (batch * this.textHiddenSize);
    if (!Number.isInteger(tokens) || tokens === 0 || tokens % TOKENS !== 0) {
      throw new ModelError(
        'bad_tensor',
        `predictNoise hidden: ${hidden.length} values, expected ${batch}×(k·${TOKENS})×${this.textHiddenSize}`,
      );
    }
    const unet = this.sessions.unet;
    const ts = unet.input('timestep');
    const hiddenDims = [batch, tokens, this.textHiddenSize];
    const hiddenTensor = (): Tensor =>
      this.unetHidden.tensor(
        hidden,
        hiddenDims,
        floatType(unet.input('encoder_hidden_states').type, 'unet encoder_hidden_states'),
      );
    const out = await unet.run(
      {
        sample: this.unetSample.tensor(sample, shape, this.unetFloat),
        timestep: timestepTensor(t, batch, ts.type, ts.shape),
        encoder_hidden_states: this.deviceHidden
          ? await this.deviceHidden.tensor(hidden, hiddenDims, hiddenTensor)
          : hiddenTensor(),
      },
      ['out_sample'],
    );
    return readFloats(out.out_sample, 'unet out_sample');
  }

  /**
   * Latents (already divided by vaeScalingFactor) [B,4,h,w] → image [B,3,H,W], nominally [-1,1] (unclamped).
   * One image per run, as diffusers' ONNX pipeline does: some exported decoders are wrong at batch > 1.
   */
  async decode(latents: Float32Array, shape: Shape4): Promise<Float32Array> {
    const [b, c, h, w] = shape;
    expectLength('decode latents', latents.length, b * c * h * w);
    const dec = this.sessions.vaeDecoder;
    const type = floatType(dec.input('latent_sample').type, 'vae_decoder latent_sample');
    const per = c * h * w;
    let result: Float32Array | null = null;
    for (let i = 0; i < b; i++) {
      const out = await dec.run(
        { latent_sample: floatTensor(latents.subarray(i * per, (i + 1) * per), [1, c, h, w], type) },
        ['sample'],
      );
      const image = readFloats(out.sample, 'vae_decoder sample');
      result ??= new Float32Array(b * image.length);
      result.set(image, i * image.length);
    }
    return result ?? new Float32Array(0);
  }

  /** Image in [-1,1] [B,3,H,W] → latent distribution (mean and logvar, or a sample when the graph samples itself). */
  async encode(
    image: Float32Array,
    shape: Shape4,
  ): Promise<{ mean: Float32Array; logvar: Float32Array | null; shape: [number, number, number, number] }> {
    const enc = this.sessions.vaeEncoder;
    if (!enc)
      throw new ModelError(
        'unsupported',
        `${this.dir}: no vae_encoder/model.onnx, so image inputs are not available`,
      );
    const [b, c, H, W] = shape;
    expectLength('encode image', image.length, b * c * H * W);
    if (H % this.vaeScaleFactor || W % this.vaeScaleFactor) {
      throw new ModelError(
        'bad_tensor',
        `encode: image ${W}×${H} is not a multiple of ${this.vaeScaleFactor}`,
      );
    }
    const name = enc.outputs.has('latent_parameters') ? 'latent_parameters' : 'latent_sample';
    const out = await enc.run(
      { sample: floatTensor(image, shape, floatType(enc.input('sample').type, 'vae_encoder sample')) },
      [name],
    );
    const data = readFloats(out[name], `vae_encoder ${name}`);
    const [, oc, h, w] = out[name].dims;
    if (name === 'latent_sample') return { mean: data, logvar: null, shape: [b, oc, h, w] };
    const half = oc / 2;
    const mean = new Float32Array(b * half * h * w);
    const logvar = new Float32Array(b * half * h * w);
    const plane = half * h * w;
    for (let i = 0; i < b; i++) {
      mean.set(data.subarray(i * 2 * plane, i * 2 * plane + plane), i * plane);
      logvar.set(data.subarray(i * 2 * plane + plane, (i + 1) * 2 * plane), i * plane);
    }
    return { mean, logvar, shape: [b, half, h, w] };
  }

  private allSessions(): OnnxSession[] {
    const s = this.sessions;
    return [s.unet, s.textEncoder, s.vaeDecoder, ...(s.vaeEncoder ? [s.vaeEncoder] : [])];
  }

  /** Releases every session; safe to call twice. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await Promise.all([...this.allSessions().map((s) => s.release()), this.deviceHidden?.release()]);
  }
}

/**
 * An encoder that samples inside its graph (diffusers' convert script) as one that returns its moments, so the
 * pipeline draws the sample from the seeded generator; null when it does not sample or cannot be rewritten.
 */
async function readSamplingEncoder(file: string, log?: (line: string) => void): Promise<Uint8Array | null> {
  const bytes = await readFile(file);
  const graph = readGraph(bytes);
  const recovered = recoverLatentParameters(bytes, graph);
  if (!recovered) return null;
  if (graph.hasExternalData) {
    log?.(
      `vae_encoder (${file}) samples unseeded noise inside its graph and keeps weights in external files; ` +
        'image inputs will not follow the seed (export it with latent_parameters)',
    );
    return null;
  }
  log?.(
    `vae_encoder (${file}) samples inside its graph; reading its moments (${recovered.moments}) instead, ` +
      'so image inputs follow the seed',
  );
  return recovered.model;
}

function expectLength(what: string, actual: number, expected: number): void {
  if (actual !== expected)
    throw new ModelError('bad_tensor', `${what}: ${actual} values, expected ${expected}`);
}

async function loadTokenizer(folder: ModelFolder): Promise<ClipTokenizer> {
  try {
    return await ClipTokenizer.fromFiles(folder.vocab, folder.merges);
  } catch (err) {
    throw new ModelError(
      'corrupt_model',
      `tokenizer (${folder.vocab}, ${folder.merges}): ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** For graphs whose hidden size is symbolic: one run on the empty prompt. */
async function probeHiddenSize(textEncoder: OnnxSession, tokenizer: ClipTokenizer): Promise<number> {
  const ids = Int32Array.from(tokenizer.encode(''));
  const input = idsTensor(ids, [1, TOKENS], textEncoder.input('input_ids').type, 'text_encoder');
  const out = await textEncoder.run({ input_ids: input }, ['last_hidden_state']);
  return out.last_hidden_state.dims[2];
}
