import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdModel } from '../model/index.js';
import { encodePrompts } from '../prompt/index.js';
import { TorchGenerator, torchRandn } from '../random/index.js';
import { createScheduler, img2imgTimesteps } from '../schedulers/index.js';
import { writeTestModel } from '../test-model/index.js';
import { BatchBuilder } from './batch-builder.js';
import { denoise, type NoisePredictor } from './denoise.js';
import { DEFAULT_LIMITS } from './request.js';
import { resolveRequest } from './validate.js';

let dir: string;
let model: SdModel;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'easel-batch-'));
  await writeTestModel(dir);
  model = await SdModel.load(dir);
});

afterAll(async () => {
  await model?.release();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const shape = [1, 4, 8, 8] as const;

describe('BatchBuilder draws random numbers as diffusers does with per-sample CPU generators', () => {
  it('text-to-image: image i starts from torchRandn([1,4,h,w], seed + i) · init_noise_sigma; hidden is [uncond×B, cond×B]', async () => {
    const req = resolveRequest(
      {
        prompt: 'a cat',
        negativePrompt: 'a dog',
        width: 64,
        height: 64,
        steps: 5,
        sampler: 'euler',
        seed: 41,
        samples: 2,
      },
      DEFAULT_LIMITS,
      true,
    );
    const prompts = await encodePrompts(model, [req.negative, req.positive]);
    const builder = await BatchBuilder.create(
      model,
      req,
      { width: 64, height: 64, init: null, mask: null },
      prompts,
    );
    const batch = builder.build([0, 1]);
    const scheduler = createScheduler('euler', model.schedulerConfig);
    scheduler.setTimesteps(5);
    const sigma = scheduler.initNoiseSigma;
    expect(sigma).toBeGreaterThan(14);
    const expected = [...torchRandn(shape, 41), ...torchRandn(shape, 42)].map((v) => Math.fround(v * sigma));
    expect(Array.from(batch.latents)).toEqual(expected);
    const item = prompts.sequenceLength * prompts.hiddenSize;
    const [uncond, cond] = [prompts.hidden.subarray(0, item), prompts.hidden.subarray(item)];
    expect(Array.from(batch.hidden)).toEqual([...uncond, ...uncond, ...cond, ...cond]);
    expect(batch.timesteps).toHaveLength(5);
  });

  it('image-to-image: VAE sample, then noise, added at the first img2img timestep', async () => {
    const init = new Float32Array(3 * 64 * 64).map((_, i) => Math.sin(i) * 0.5);
    const req = resolveRequest(
      { prompt: 'x', steps: 10, strength: 0.6, sampler: 'ddim', seed: 9 },
      DEFAULT_LIMITS,
      true,
    );
    const prompts = await encodePrompts(model, [req.negative, req.positive]);
    const builder = await BatchBuilder.create(
      model,
      req,
      { width: 64, height: 64, init, mask: null },
      prompts,
    );
    const batch = builder.build([0]);

    const { mean, logvar } = await model.encode(init, [1, 3, 64, 64]);
    const generator = new TorchGenerator(9);
    const eps = generator.randn(shape);
    const imageLatents = mean.map(
      (m, i) =>
        (m + Math.exp(0.5 * Math.min(20, Math.max(-30, logvar![i]))) * eps[i]) * model.vaeScalingFactor,
    );
    const noise = generator.randn(shape);
    const scheduler = createScheduler('ddim', model.schedulerConfig);
    scheduler.setTimesteps(10);
    const { timesteps } = img2imgTimesteps(scheduler, 10, 0.6);
    expect(batch.timesteps).toEqual(timesteps);
    expect(timesteps).toHaveLength(6);
    expect(Array.from(batch.latents)).toEqual(
      Array.from(scheduler.addNoise(imageLatents, noise, timesteps[0])),
    );
  });

  it('guidance runs cond and uncond in one UNet call of batch 2B; cfg ≤ 1 runs only the conditional batch B', async () => {
    for (const [cfgScale, unetBatch] of [
      [7, 6],
      [1, 3],
    ] as const) {
      const req = resolveRequest(
        { prompt: 'x', width: 64, height: 64, steps: 3, cfgScale, seed: 1, samples: 3 },
        DEFAULT_LIMITS,
        true,
      );
      const prompts = await encodePrompts(
        model,
        cfgScale > 1 ? [req.negative, req.positive] : [req.positive],
      );
      const builder = await BatchBuilder.create(
        model,
        req,
        { width: 64, height: 64, init: null, mask: null },
        prompts,
      );
      const batch = builder.build([0, 1, 2]);
      expect(batch.hidden.length).toBe(unetBatch * prompts.sequenceLength * prompts.hiddenSize);
      const calls: number[] = [];
      const recording: NoisePredictor = {
        predictNoise: (sample, shape, t, hidden, b) => {
          calls.push(b);
          return model.predictNoise(sample, shape, t, hidden, b);
        },
      };
      await denoise(recording, batch);
      expect(calls).toEqual([unetBatch, unetBatch, unetBatch]);
    }
  });
});
