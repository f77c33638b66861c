import type { TorchGenerator } from '../random/index.js';
import type { Scheduler } from '../schedulers/index.js';
import { CanceledError } from './errors.js';

/** The part of SdModel the loop calls. */
export interface NoisePredictor {
  predictNoise(
    sample: Float32Array,
    shape: readonly [number, number, number, number],
    t: number,
    hidden: Float32Array,
    batch: number,
  ): Promise<Float32Array>;
}

/** One image of a batch: its own scheduler state and generator, so image i matches a run of seed+i alone. */
export interface DenoiseSample {
  scheduler: Scheduler;
  generator: TorchGenerator;
  /** 4-channel inpainting: clean image latents and the noise used to re-noise them at every step. */
  known?: { latents: Float32Array; noise: Float32Array };
}

export interface DenoiseBatch {
  samples: DenoiseSample[];
  /** [B,4,h,w], updated in place. */
  latents: Float32Array;
  latentChannels: number;
  latentHeight: number;
  latentWidth: number;
  /** UNet input channels: latentChannels, or latentChannels + 5 for an inpainting UNet. */
  unetChannels: number;
  timesteps: readonly number[];
  /** Text conditioning: [2B, L, C] (uncond ×B, then cond ×B) when guided, else [B, L, C]. */
  hidden: Float32Array;
  cfgScale: number;
  /** Inpainting UNet: [B, 5, h, w] (mask, masked-image latents), placed after the latent channels. */
  inpaintChannels?: Float32Array;
  /** 4-channel inpainting: [h,w] mask, 1 = repaint, 0 = keep the (re-noised) original. */
  blendMask?: Float32Array;
}

export interface DenoiseHooks {
  signal?: AbortSignal;
  /** Called (and awaited) after every step with the step index within this batch. */
  onStep?: (index: number) => void | Promise<void>;
}

/** Classifier-free guidance applies when the scale is above 1, as in diffusers. */
export function usesGuidance(cfgScale: number): boolean {
  return cfgScale > 1;
}

/**
 * The denoising loop for one batch: scaled latents (and inpainting channels) of all images, conditional and
 * unconditional, go through ONE UNet call per step; guidance is computed in the UNet's own output buffer.
 * Per step it allocates only the ONNX Runtime tensors (and, for 4-channel inpainting, the re-noised original).
 */
export async function denoise(
  model: NoisePredictor,
  batch: DenoiseBatch,
  hooks: DenoiseHooks = {},
): Promise<void> {
  const B = batch.samples.length;
  const plane = batch.latentHeight * batch.latentWidth;
  const latentSize = batch.latentChannels * plane;
  const inputSize = batch.unetChannels * plane;
  const guided = usesGuidance(batch.cfgScale);
  const unetBatch = guided ? 2 * B : B;
  const input = new Float32Array(unetBatch * inputSize);
  const shape = [unetBatch, batch.unetChannels, batch.latentHeight, batch.latentWidth] as const;
  if (batch.inpaintChannels) {
    const extra = inputSize - latentSize;
    for (let j = 0; j < unetBatch; j++) {
      input.set(
        batch.inpaintChannels.subarray((j % B) * extra, ((j % B) + 1) * extra),
        j * inputSize + latentSize,
      );
    }
  }

  // Views made once: schedulers write through `out` straight into the latents and the UNet input.
  const latentViews = batch.samples.map((_, b) =>
    batch.latents.subarray(b * latentSize, (b + 1) * latentSize),
  );
  const inputViews = batch.samples.map((_, b) => input.subarray(b * inputSize, b * inputSize + latentSize));

  for (let i = 0; i < batch.timesteps.length; i++) {
    if (hooks.signal?.aborted) throw new CanceledError(i);
    const t = batch.timesteps[i];
    for (let b = 0; b < B; b++) {
      const scaled = batch.samples[b].scheduler.scaleModelInput(latentViews[b], t, inputViews[b]);
      if (scaled !== inputViews[b]) inputViews[b].set(scaled);
      if (guided) input.copyWithin((B + b) * inputSize, b * inputSize, b * inputSize + latentSize);
    }
    const noise = await model.predictNoise(input, shape, t, batch.hidden, unetBatch);
    if (guided) applyGuidance(noise, B * latentSize, batch.cfgScale);
    for (let b = 0; b < B; b++) {
      const sample = batch.samples[b];
      const latents = latentViews[b];
      const eps = noise.subarray(b * latentSize, (b + 1) * latentSize);
      const next = sample.scheduler.step(eps, t, latents, sample.generator, latents);
      if (next !== latents) latents.set(next);
      if (sample.known && batch.blendMask) {
        blendKnown(
          latents,
          sample,
          batch.blendMask,
          i + 1 < batch.timesteps.length ? batch.timesteps[i + 1] : null,
          plane,
        );
      }
    }
    if (hooks.onStep) await hooks.onStep(i);
  }
}

/**
 * uncond ← uncond + s·(cond − uncond), in place: the first `half` values (the unconditional images) become the
 * guided noise. A function of its own: a loop inside the async loop above stays in V8's slower tiers, boxing a
 * number per element.
 */
function applyGuidance(noise: Float32Array, half: number, s: number): void {
  for (let k = 0; k < half; k++) noise[k] += s * (noise[half + k] - noise[k]);
}

/** diffusers' 4-channel inpainting: latents = (1 − m)·original noised to the next timestep + m·latents. */
function blendKnown(
  latents: Float32Array,
  sample: DenoiseSample,
  mask: Float32Array,
  nextT: number | null,
  plane: number,
): void {
  const known = sample.known!;
  const original =
    nextT === null ? known.latents : sample.scheduler.addNoise(known.latents, known.noise, nextT);
  for (let k = 0; k < latents.length; k++) {
    const m = mask[k % plane];
    latents[k] = (1 - m) * original[k] + m * latents[k];
  }
}
