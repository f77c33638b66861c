import {
  encodeAnimatedWebp,
  encodePng,
  formatGenerationParameters,
  latentPreview,
  tensorToRgb8,
} from '../image/index.js';
import { SdModel, type ModelLoadOptions } from '../model/index.js';
import { encodePrompts, type EncodedPrompts, type PromptInput } from '../prompt/index.js';
import { usesGuidance, denoise } from './denoise.js';
import { CanceledError } from './errors.js';
import { overlayOriginal, prepareInputs, type ImageInputs } from './inputs.js';
import { BatchBuilder } from './batch-builder.js';
import { readEngineFile } from './engine-file.js';
import { repeatInto } from './latents.js';
import { DEFAULT_LIMITS, type GenerationRequest, type PipelineLimits } from './request.js';
import type { GeneratedImage, GenerationResult, RunOptions } from './types.js';
import { resolveRequest, type ResolvedRequest } from './validate.js';
import path from 'node:path';

export interface PipelineOptions extends ModelLoadOptions {
  limits?: Partial<PipelineLimits>;
  /** Model name written into the PNG parameters; default: easel.json's name, else the folder's name. */
  modelName?: string;
}

/** Stable Diffusion 1.x on onnxruntime: text-to-image, image-to-image, inpainting, outpainting, interpolation. */
export class StableDiffusionPipeline {
  readonly limits: PipelineLimits;
  private readonly modelName: string;

  constructor(
    readonly model: SdModel,
    options: { limits?: Partial<PipelineLimits>; modelName?: string } = {},
  ) {
    const native = { defaultWidth: model.nativeSize.width, defaultHeight: model.nativeSize.height };
    this.limits = { ...DEFAULT_LIMITS, ...native, ...options.limits };
    this.modelName = options.modelName ?? path.basename(model.dir);
  }

  /**
   * Loads the model folder (UNet session first) and keeps the sessions for every run. Limits and model name:
   * `options`, else the folder's easel.json, else the model's native size, DEFAULT_LIMITS and the folder's name.
   */
  static async fromModelDir(dir: string, options: PipelineOptions = {}): Promise<StableDiffusionPipeline> {
    const { limits, modelName, ...loadOptions } = options;
    const file = await readEngineFile(dir);
    const model = await SdModel.load(dir, loadOptions);
    return new StableDiffusionPipeline(model, {
      limits: { ...file.limits, ...limits },
      modelName: modelName ?? file.name,
    });
  }

  async run(request: GenerationRequest, options: RunOptions = {}): Promise<GenerationResult> {
    const started = performance.now();
    const unetCallsBefore = this.model.timings.unetCalls;
    const req = resolveRequest(request, this.limits, this.model.hasVaeEncoder);
    const inputs = await prepareInputs(req, this.limits, this.model.vaeScaleFactor);
    throwIfAborted(options.signal, 0);
    const prompts = await this.encodePrompts(req);
    throwIfAborted(options.signal, 0);

    const builder = await BatchBuilder.create(this.model, req, inputs, prompts);
    const batches = chunk(
      range(req.mode === 'interpolation' ? req.frames : req.seeds.length),
      this.limits.maxBatch,
    );
    const stepsPerBatch = builder.timestepCount;
    const totalSteps = stepsPerBatch * batches.length;
    let lastPreview = -Infinity;
    let encodeOutputMs = 0;
    const images: GeneratedImage[] = [];
    const frames: Uint8Array[] = [];

    for (const [n, indices] of batches.entries()) {
      const batch = builder.build(indices);
      await denoise(this.model, batch, {
        signal: options.signal,
        onStep: async (i) => {
          if (!options.onProgress) return;
          const now = performance.now();
          const event = { step: n * stepsPerBatch + i + 1, totalSteps, elapsedMs: now - started };
          if (req.previewIntervalMs !== null && now - lastPreview >= req.previewIntervalMs) {
            lastPreview = now;
            const { latentChannels: c, latentWidth: w, latentHeight: h } = batch;
            options.onProgress({ ...event, preview: await latentPreview(batch.latents, 0, c, w, h) });
          } else {
            options.onProgress(event);
          }
        },
      });
      throwIfAborted(options.signal, (n + 1) * stepsPerBatch);
      // Strength below one step denoises nothing: the input comes back as it is, not through the VAE.
      const decoded =
        stepsPerBatch === 0 && inputs.init
          ? repeatImage(inputs.init, indices.length)
          : await this.decode(batch.latents, indices.length, batch.latentHeight, batch.latentWidth);
      const t0 = performance.now();
      for (const [k, index] of indices.entries()) {
        if (inputs.mask && inputs.init && req.keepUnmaskedPixels)
          overlayOriginal(decoded, k, inputs.init, inputs.mask);
        const rgb = tensorToRgb8(decoded, k, inputs.width, inputs.height);
        const seed = req.mode === 'interpolation' ? interpolatedSeed(req, index) : req.seeds[index];
        const png = await encodePng(rgb, inputs.width, inputs.height, this.parameters(req, inputs, seed));
        images.push({ png, seed, finishReason: 'SUCCESS', width: inputs.width, height: inputs.height });
        if (req.mode === 'interpolation') frames.push(rgb);
      }
      encodeOutputMs += performance.now() - t0;
    }

    let animation: GenerationResult['animation'];
    if (req.mode === 'interpolation') {
      const t0 = performance.now();
      const webp = await encodeAnimatedWebp(frames, inputs.width, inputs.height, req.frameDelayMs);
      animation = { webp, width: inputs.width, height: inputs.height, frames: frames.length };
      encodeOutputMs += performance.now() - t0;
    }
    return {
      mode: req.mode,
      images,
      animation,
      timings: {
        totalMs: performance.now() - started,
        encodeOutputMs,
        unetSteps: this.model.timings.unetCalls - unetCallsBefore,
      },
    };
  }

  /** Releases the ONNX Runtime sessions; the pipeline cannot run afterwards. */
  async release(): Promise<void> {
    await this.model.release();
  }

  /** [uncond?, cond, cond of the last frame?], all padded to the same number of 75-token chunks. */
  private encodePrompts(req: ResolvedRequest): Promise<EncodedPrompts> {
    const list: PromptInput[] = [];
    if (usesGuidance(req.cfgScale)) list.push(req.negative);
    list.push(req.positive);
    if (req.mode === 'interpolation') list.push(req.toPrompt ?? req.positive);
    return encodePrompts(this.model, list);
  }

  private decode(latents: Float32Array, batch: number, h: number, w: number): Promise<Float32Array> {
    const scaled = new Float32Array(latents.length);
    const inverse = 1 / this.model.vaeScalingFactor;
    for (let i = 0; i < latents.length; i++) scaled[i] = latents[i] * inverse;
    return this.model.decode(scaled, [batch, this.model.latentChannels, h, w]);
  }

  private parameters(req: ResolvedRequest, inputs: ImageInputs, seed: number): string {
    return formatGenerationParameters({
      prompt: req.promptText,
      negativePrompt: req.negativeText,
      steps: req.steps,
      sampler: req.sampler,
      cfgScale: req.cfgScale,
      seed,
      width: inputs.width,
      height: inputs.height,
      model: this.modelName,
      denoisingStrength: inputs.init ? req.strength : undefined,
    });
  }
}

function repeatImage(image: Float32Array, times: number): Float32Array {
  const out = new Float32Array(image.length * times);
  repeatInto(out, image, times);
  return out;
}

function interpolatedSeed(req: ResolvedRequest, frame: number): number {
  return frame === req.frames - 1 ? req.toSeed : req.seeds[0];
}

function throwIfAborted(signal: AbortSignal | undefined, step: number): void {
  if (signal?.aborted) throw new CanceledError(step);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
