/**
 * Text-to-image for several jobs in ONE UNet batch: different prompts and seeds, same size, steps, sampler and
 * cfg. The pipeline batches only the samples of one request, so this composes the library's lower-level exports
 * the way its BatchBuilder and denoise loop do for text-to-image: per job a CPU torch generator and its own
 * scheduler, prompts encoded together ([uncond×K, cond×K]), one guided UNet call per step, one decode per image.
 * Each image equals that job run alone (same noise stream, same PNG parameters text).
 */
import {
  CanceledError,
  createScheduler,
  encodePng,
  encodePrompts,
  formatGenerationParameters,
  resolveSampler,
  tensorToRgb8,
  TorchGenerator,
  type GeneratedImage,
  type PromptInput,
  type Scheduler,
  type StableDiffusionPipeline,
} from '@easel/diffusion';

export interface BatchJob {
  prompt: string;
  negativePrompt: string;
  seed: number;
  signal: AbortSignal;
  onProgress: (step: number, total: number) => void;
}

export interface BatchShape {
  width: number;
  height: number;
  steps: number;
  sampler: string;
  cfgScale: number;
}

/** One outcome per job, in order: its image, or the CanceledError that stopped it. */
export type BatchOutcome = { image: GeneratedImage } | { canceled: CanceledError };

export async function runTextToImageBatch(
  pipeline: StableDiffusionPipeline,
  modelName: string,
  shape: BatchShape,
  jobs: readonly BatchJob[],
): Promise<BatchOutcome[]> {
  const { model } = pipeline;
  const sampler = resolveSampler(shape.sampler);
  const guided = shape.cfgScale > 1;
  const K = jobs.length;
  const h = shape.height / model.vaeScaleFactor;
  const w = shape.width / model.vaeScaleFactor;
  const C = model.latentChannels;
  const latentSize = C * h * w;

  const prompts: PromptInput[] = guided
    ? [...jobs.map((j) => j.negativePrompt), ...jobs.map((j) => j.prompt)]
    : jobs.map((j) => j.prompt);
  const { hidden } = await encodePrompts(model, prompts);

  const latents = new Float32Array(K * latentSize);
  const samples = jobs.map((job, b) => {
    const generator = new TorchGenerator(job.seed);
    const scheduler: Scheduler = createScheduler(sampler, model.schedulerConfig);
    scheduler.setTimesteps(shape.steps);
    const noise = generator.randn([1, C, h, w]);
    const sigma = scheduler.initNoiseSigma;
    for (let k = 0; k < latentSize; k++) latents[b * latentSize + k] = noise[k] * sigma;
    return { generator, scheduler, view: latents.subarray(b * latentSize, (b + 1) * latentSize) };
  });
  const timesteps = Array.from(samples[0].scheduler.timesteps);

  const unetBatch = guided ? 2 * K : K;
  const input = new Float32Array(unetBatch * latentSize);
  const inputViews = samples.map((_, b) => input.subarray(b * latentSize, (b + 1) * latentSize));
  const canceled: (CanceledError | null)[] = jobs.map(() => null);
  const live = (): boolean => canceled.some((c) => c === null);

  for (let i = 0; i < timesteps.length && live(); i++) {
    jobs.forEach((job, b) => {
      if (!canceled[b] && job.signal.aborted) canceled[b] = new CanceledError(i);
    });
    const t = timesteps[i];
    for (let b = 0; b < K; b++) {
      const scaled = samples[b].scheduler.scaleModelInput(samples[b].view, t, inputViews[b]);
      if (scaled !== inputViews[b]) inputViews[b].set(scaled);
    }
    if (guided) input.copyWithin(K * latentSize, 0, K * latentSize);
    const noise = await model.predictNoise(input, [unetBatch, C, h, w], t, hidden, unetBatch);
    if (guided) {
      const s = shape.cfgScale;
      const half = K * latentSize;
      for (let k = 0; k < half; k++) noise[k] += s * (noise[half + k] - noise[k]);
    }
    for (let b = 0; b < K; b++) {
      const { scheduler, generator, view } = samples[b];
      const next = scheduler.step(
        noise.subarray(b * latentSize, (b + 1) * latentSize),
        t,
        view,
        generator,
        view,
      );
      if (next !== view) view.set(next);
      if (!canceled[b]) jobs[b].onProgress(i + 1, timesteps.length);
    }
  }

  const inverse = 1 / model.vaeScalingFactor;
  const outcomes: BatchOutcome[] = [];
  for (const [b, job] of jobs.entries()) {
    const stopped = canceled[b] ?? (job.signal.aborted ? new CanceledError(timesteps.length) : null);
    if (stopped) {
      outcomes.push({ canceled: stopped });
      continue;
    }
    const scaled = Float32Array.from(samples[b].view, (v) => v * inverse);
    const decoded = await model.decode(scaled, [1, C, h, w]);
    const rgb = tensorToRgb8(decoded, 0, shape.width, shape.height);
    const parameters = formatGenerationParameters({
      prompt: job.prompt,
      negativePrompt: job.negativePrompt,
      steps: shape.steps,
      sampler,
      cfgScale: shape.cfgScale,
      seed: job.seed,
      width: shape.width,
      height: shape.height,
      model: modelName,
    });
    const png = await encodePng(rgb, shape.width, shape.height, parameters);
    outcomes.push({
      image: { png, seed: job.seed, finishReason: 'SUCCESS', width: shape.width, height: shape.height },
    });
  }
  return outcomes;
}
