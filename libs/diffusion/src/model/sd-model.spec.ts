import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestModel } from '../test-model/index.js';
import { SdModel } from './index.js';

let root: string;
let model: SdModel;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'easel-sd-model-'));
  await writeTestModel(path.join(root, 'base'), { seed: 3 });
  model = await SdModel.load(path.join(root, 'base'), { intraOpNumThreads: 1 });
});
afterAll(async () => {
  await model?.release();
  await rm(root, { recursive: true, force: true });
});

const finite = (a: Float32Array): boolean => a.every((v) => Number.isFinite(v));
const maxDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const wave = (n: number, k: number): Float32Array => new Float32Array(n).map((_, i) => Math.sin(i * k));

describe('SdModel on the test model', () => {
  it('reads the folder: configs, tokenizer and session metadata', () => {
    expect(model.dir).toBe(path.join(root, 'base'));
    expect(model.unetInChannels).toBe(4);
    expect(model.latentChannels).toBe(4);
    expect(model.textHiddenSize).toBe(32);
    expect(model.vaeScalingFactor).toBeCloseTo(0.18215, 6);
    expect(model.vaeScaleFactor).toBe(8);
    expect(model.hasVaeEncoder).toBe(true);
    expect(model.schedulerConfig).toMatchObject({
      beta_schedule: 'scaled_linear',
      num_train_timesteps: 1000,
    });
    const ids = model.tokenizer.encode('a photo of a cat');
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(model.tokenizer.bosId);
  });

  it('encodes text: [B,77,C], finite, deterministic, prompt-dependent', async () => {
    const ids = Int32Array.from([
      ...model.tokenizer.encode('a photo of a cat'),
      ...model.tokenizer.encode('a red dog'),
    ]);
    const a = await model.encodeText(ids, 2);
    expect(a).toHaveLength(2 * 77 * 32);
    expect(finite(a)).toBe(true);
    expect(Array.from(await model.encodeText(ids, 2))).toEqual(Array.from(a));
    expect(maxDiff(a.subarray(0, 77 * 32), a.subarray(77 * 32))).toBeGreaterThan(1e-2);
  });

  it('predicts noise: [B,4,h,w], finite, deterministic, depends on timestep and text', async () => {
    const shape = [2, 4, 6, 10] as const;
    const sample = wave(2 * 4 * 60, 0.7);
    const hidden = wave(2 * 77 * 32, 0.13);
    const a = await model.predictNoise(sample, shape, 981, hidden, 2);
    expect(a).toHaveLength(2 * 4 * 60);
    expect(finite(a)).toBe(true);
    expect(Array.from(await model.predictNoise(sample, shape, 981, hidden, 2))).toEqual(Array.from(a));
    expect(maxDiff(a, await model.predictNoise(sample, shape, 21, hidden, 2))).toBeGreaterThan(1e-3);
    expect(
      maxDiff(a, await model.predictNoise(sample, shape, 981, wave(2 * 77 * 32, 0.31), 2)),
    ).toBeGreaterThan(1e-3);
  });

  it('takes long-prompt conditioning: hidden of k·77 tokens', async () => {
    const eps = await model.predictNoise(wave(4 * 16, 0.2), [1, 4, 4, 4], 300, wave(2 * 77 * 32, 0.05), 1);
    expect(eps).toHaveLength(4 * 16);
    expect(finite(eps)).toBe(true);
    await expect(
      model.predictNoise(wave(4 * 16, 0.2), [1, 4, 4, 4], 300, wave(80 * 32, 0.05), 1),
    ).rejects.toMatchObject({ code: 'bad_tensor' });
  });

  it('decodes latents to [B,3,8h,8w] one image at a time, same as alone', async () => {
    const latents = wave(2 * 4 * 3 * 5, 0.9).map((v) => v / 0.18215);
    const both = await model.decode(latents, [2, 4, 3, 5]);
    expect(both).toHaveLength(2 * 3 * 24 * 40);
    expect(finite(both)).toBe(true);
    const second = await model.decode(latents.subarray(60), [1, 4, 3, 5]);
    expect(Array.from(both.subarray(3 * 24 * 40))).toEqual(Array.from(second));
  });

  it('encodes images to mean and logvar [B,4,H/8,W/8]; decode(encode(x)) ≈ x for blocky images', async () => {
    const image = new Float32Array(3 * 16 * 24).map((_, i) => (Math.floor((i % 24) / 8) % 2 ? 0.5 : -0.4));
    const { mean, logvar, shape } = await model.encode(image, [1, 3, 16, 24]);
    expect(shape).toEqual([1, 4, 2, 3]);
    expect(mean).toHaveLength(24);
    expect(logvar).toHaveLength(24);
    expect(Math.max(...logvar!)).toBeLessThan(-8);
    const back = await model.decode(mean, [1, 4, 2, 3]);
    expect(maxDiff(back, image)).toBeLessThan(0.1);
  });

  it('accumulates session.run timings per component', async () => {
    model.resetTimings();
    await model.predictNoise(wave(4 * 16, 1), [1, 4, 4, 4], 500, wave(77 * 32, 1), 1);
    const t = model.timings;
    expect(t.unetCalls).toBe(1);
    expect(t.unetMs).toBeGreaterThan(0);
    expect(t.textEncoderMs).toBe(0);
  });

  it('rejects tensors of the wrong size with a bad_tensor ModelError', async () => {
    await expect(
      model.predictNoise(wave(9 * 16, 1), [1, 9, 4, 4], 1, wave(77 * 32, 1), 1),
    ).rejects.toMatchObject({ code: 'bad_tensor' });
    await expect(model.encodeText(new Int32Array(76), 1)).rejects.toMatchObject({ code: 'bad_tensor' });
    await expect(model.encode(new Float32Array(3 * 12 * 12), [1, 3, 12, 12])).rejects.toThrow(
      /multiple of 8/,
    );
  });
});

describe('SdModel variants of real exports', () => {
  it('9-channel inpainting UNet: unetInChannels 9, keeps the known region', async () => {
    const dir = path.join(root, 'inpaint');
    await writeTestModel(dir, { inpainting: true, seed: 5 });
    const m = await SdModel.load(dir);
    try {
      expect(m.unetInChannels).toBe(9);
      expect(m.latentChannels).toBe(4);
      // mask 0 everywhere: ε̂ is (almost exactly) the noise that leads from x_t back to the masked-image latents
      const h = 4;
      const w = 4;
      const plane = h * w;
      const target = wave(4 * plane, 0.5);
      const input = new Float32Array(9 * plane);
      input.set(wave(4 * plane, 1.7).map((v) => v * 2));
      input.set(target, 5 * plane);
      const t = 601;
      let alphaBar = 1;
      for (let i = 0; i <= t; i++) {
        alphaBar *= 1 - (Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * i) / 999) ** 2;
      }
      const eps = await m.predictNoise(input, [1, 9, h, w], t, wave(77 * 32, 0.2), 1);
      for (let i = 0; i < 4 * plane; i++) {
        expect((input[i] - Math.sqrt(1 - alphaBar) * eps[i]) / Math.sqrt(alphaBar)).toBeCloseTo(target[i], 3);
      }
      // mask 1: the network's own prediction, which depends on the text
      input.fill(1, 4 * plane, 5 * plane);
      const a = await m.predictNoise(input, [1, 9, h, w], t, wave(77 * 32, 0.2), 1);
      const b = await m.predictNoise(input, [1, 9, h, w], t, wave(77 * 32, 0.9), 1);
      expect(maxDiff(a, b)).toBeGreaterThan(1e-3);
      expect(m.executionProviders).toEqual(['cpu']);
    } finally {
      await m.release();
    }
  });

  it('int64 input_ids, float timestep [batch], latent_sample encoder, external UNet weights', async () => {
    const dir = path.join(root, 'optimum');
    await writeTestModel(dir, {
      inputIdsType: 'int64',
      timestepType: 'float32',
      vaeEncoderOutput: 'latent_sample',
      unetExternalData: 'model.onnx_data',
    });
    const m = await SdModel.load(dir);
    try {
      const hidden = await m.encodeText(
        Int32Array.from([...m.tokenizer.encode('cat'), ...m.tokenizer.encode('dog')]),
        2,
      );
      const eps = await m.predictNoise(wave(2 * 4 * 16, 0.3), [2, 4, 4, 4], 420.5, hidden, 2);
      expect(eps).toHaveLength(2 * 4 * 16);
      expect(finite(eps)).toBe(true);
      const enc = await m.encode(new Float32Array(3 * 8 * 8).fill(0.25), [1, 3, 8, 8]);
      expect(enc.logvar).toBeNull();
      expect(enc.shape).toEqual([1, 4, 1, 1]);
    } finally {
      await m.release();
    }
  });

  it('fp16 inputs/outputs are converted at the boundary and match fp32 within half precision', async () => {
    const dir = path.join(root, 'fp16');
    await writeTestModel(dir, { seed: 3, float16: true });
    const m = await SdModel.load(dir);
    try {
      const ids = Int32Array.from(m.tokenizer.encode('a photo of a cat'));
      const h16 = await m.encodeText(ids, 1);
      const h32 = await model.encodeText(ids, 1);
      expect(maxDiff(h16, h32)).toBeLessThan(1e-2);
      const sample = wave(4 * 36, 0.4);
      const e16 = await m.predictNoise(sample, [1, 4, 6, 6], 700, h32, 1);
      const e32 = await model.predictNoise(sample, [1, 4, 6, 6], 700, h32, 1);
      expect(maxDiff(e16, e32)).toBeLessThan(2e-2);
      const d16 = await m.decode(
        sample.map((v) => v * 5),
        [1, 4, 6, 6],
      );
      expect(
        maxDiff(
          d16,
          await model.decode(
            sample.map((v) => v * 5),
            [1, 4, 6, 6],
          ),
        ),
      ).toBeLessThan(1e-2);
      const enc = await m.encode(new Float32Array(3 * 64).fill(0.5), [1, 3, 8, 8]);
      const enc32 = await model.encode(new Float32Array(3 * 64).fill(0.5), [1, 3, 8, 8]);
      expect(maxDiff(enc.mean, enc32.mean)).toBeLessThan(1e-2);
    } finally {
      await m.release();
    }
  });

  it('a folder without vae_encoder loads; encode says image inputs are unavailable', async () => {
    const dir = path.join(root, 'no-encoder');
    await writeTestModel(dir, { vaeEncoderOutput: 'none' });
    const m = await SdModel.load(dir);
    try {
      expect(m.hasVaeEncoder).toBe(false);
      await expect(m.encode(new Float32Array(3 * 64), [1, 3, 8, 8])).rejects.toMatchObject({
        code: 'unsupported',
      });
    } finally {
      await m.release();
    }
  });

  it("native size: unet/config.json's sample_size × the VAE factor, else SD 1.x's 512", async () => {
    expect(model.nativeSize).toEqual({ width: 512, height: 512 });
    const dir = path.join(root, 'native');
    await writeTestModel(dir, { seed: 3 });
    await writeFile(path.join(dir, 'unet', 'config.json'), JSON.stringify({ sample_size: [6, 10] }));
    const m = await SdModel.load(dir);
    try {
      expect(m.nativeSize).toEqual({ width: 80, height: 48 });
    } finally {
      await m.release();
    }
    await writeFile(path.join(dir, 'unet', 'config.json'), JSON.stringify({ sample_size: 'large' }));
    await expect(SdModel.load(dir)).rejects.toMatchObject({ code: 'corrupt_model' });
  });

  it("an encoder that samples inside its graph (diffusers' convert script) gives its moments instead", async () => {
    const dir = path.join(root, 'sampling');
    await writeTestModel(dir, { seed: 3, vaeEncoderOutput: 'sampling' });
    const log: string[] = [];
    const m = await SdModel.load(dir, { log: (line) => log.push(line) });
    try {
      expect(log.some((l) => /samples inside its graph; reading its moments/.test(l))).toBe(true);
      const image = wave(3 * 16 * 16, 0.05);
      const recovered = await m.encode(image, [1, 3, 16, 16]);
      const reference = await model.encode(image, [1, 3, 16, 16]); // same weights, latent_parameters layout
      expect(recovered.shape).toEqual([1, 4, 2, 2]);
      expect(Array.from(recovered.mean)).toEqual(Array.from(reference.mean));
      expect(Array.from(recovered.logvar!)).toEqual(Array.from(reference.logvar!));
    } finally {
      await m.release();
    }
  });

  it('release is idempotent and later runs fail clearly', async () => {
    const m = await SdModel.load(path.join(root, 'base'));
    await m.release();
    await m.release();
    await expect(m.encodeText(new Int32Array(77), 1)).rejects.toThrow(/released/);
  });
});
