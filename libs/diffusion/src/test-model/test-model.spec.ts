import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestModel } from './index.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'easel-test-model-'));
  await writeTestModel(dir, { seed: 7 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function session(component: string): Promise<InferenceSession> {
  return InferenceSession.create(path.join(dir, component, 'model.onnx'), { intraOpNumThreads: 1 });
}

function allFinite(data: Float32Array): boolean {
  return data.every((v) => Number.isFinite(v));
}

describe('writeTestModel', () => {
  it('writes the diffusers ONNX layout', async () => {
    const index = JSON.parse(await readFile(path.join(dir, 'model_index.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(index._class_name).toBe('OnnxStableDiffusionPipeline');
    for (const f of ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']) {
      expect((await stat(path.join(dir, f, 'model.onnx'))).size).toBeGreaterThan(1000);
    }
    const vocab = JSON.parse(await readFile(path.join(dir, 'tokenizer', 'vocab.json'), 'utf8')) as Record<
      string,
      number
    >;
    const size = Object.keys(vocab).length;
    expect(vocab['<|startoftext|>']).toBe(size - 2);
    expect(vocab['<|endoftext|>']).toBe(size - 1);
    expect(vocab['!']).toBe(0);
    expect(vocab['!</w>']).toBe(256);
    expect(vocab['cat</w>']).toBeGreaterThan(511);
    const merges = (await readFile(path.join(dir, 'tokenizer', 'merges.txt'), 'utf8')).trim().split('\n');
    expect(merges[0]).toBe('#version: 0.2');
    expect(merges).toContain('ca t</w>');
    const scheduler = JSON.parse(
      await readFile(path.join(dir, 'scheduler', 'scheduler_config.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(scheduler).toMatchObject({
      beta_schedule: 'scaled_linear',
      steps_offset: 1,
      skip_prk_steps: true,
    });
  });

  it('text encoder output depends on the prompt and is causal', async () => {
    const s = await session('text_encoder');
    const ids = new Int32Array(2 * 77).fill(515);
    ids[0] = ids[77] = 514; // any ids inside the small vocabulary
    ids[1] = 300;
    ids[78] = 301;
    const out = (await s.run({ input_ids: new Tensor('int32', ids, [2, 77]) })).last_hidden_state;
    expect(out.dims).toEqual([2, 77, 32]);
    const data = out.data as Float32Array;
    expect(allFinite(data)).toBe(true);
    // token 0 is the same in both rows and only sees itself: identical; token 1 differs
    expect(Array.from(data.subarray(0, 32))).toEqual(Array.from(data.subarray(77 * 32, 77 * 32 + 32)));
    expect(data[32]).not.toBeCloseTo(data[77 * 32 + 32], 4);
    await s.release();
  });

  it('unet predicts [B,4,h,w] from sample, int64 timestep and text states', async () => {
    const s = await session('unet');
    expect(s.inputNames).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
    const sample = new Float32Array(2 * 4 * 8 * 12).map((_, i) => Math.sin(i));
    const hidden = new Float32Array(2 * 77 * 32).map((_, i) => Math.cos(i * 0.37));
    const run = async (t: bigint, h = hidden): Promise<Float32Array> => {
      const r = await s.run({
        sample: new Tensor('float32', sample, [2, 4, 8, 12]),
        timestep: new Tensor('int64', BigInt64Array.of(t), [1]),
        encoder_hidden_states: new Tensor('float32', h, [2, 77, 32]),
      });
      expect(r.out_sample.dims).toEqual([2, 4, 8, 12]);
      return r.out_sample.data as Float32Array;
    };
    const a = await run(500n);
    expect(allFinite(a)).toBe(true);
    expect(Array.from(await run(500n))).toEqual(Array.from(a));
    const b = await run(10n);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-3);
    const c = await run(
      500n,
      hidden.map((v) => -v),
    );
    expect(Math.max(...a.map((v, i) => Math.abs(v - c[i])))).toBeGreaterThan(1e-3);
    await s.release();
  });

  it('VAE round trip is close to the 8×8 block average of the image', async () => {
    const enc = await session('vae_encoder');
    const dec = await session('vae_decoder');
    const H = 32;
    const W = 48;
    const image = new Float32Array(3 * H * W);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) {
          image[(c * H + y) * W + x] =
            c === 0 ? (x < 24 ? -0.8 : 0.6) : c === 1 ? (y < 16 ? 0.5 : -0.3) : 0.1;
        }
    const params = (await enc.run({ sample: new Tensor('float32', image, [1, 3, H, W]) })).latent_parameters;
    expect(params.dims).toEqual([1, 8, H / 8, W / 8]);
    const mean = (params.data as Float32Array).slice(0, 4 * (H / 8) * (W / 8));
    const decoded = (await dec.run({ latent_sample: new Tensor('float32', mean, [1, 4, H / 8, W / 8]) }))
      .sample;
    expect(decoded.dims).toEqual([1, 3, H, W]);
    const out = decoded.data as Float32Array;
    let worst = 0;
    let sum = 0;
    for (let i = 0; i < out.length; i++) {
      worst = Math.max(worst, Math.abs(out[i] - image[i]));
      sum += Math.abs(out[i] - image[i]);
    }
    expect(worst).toBeLessThan(0.1);
    expect(sum / out.length).toBeLessThan(0.03);
    await enc.release();
    await dec.release();
  });

  it('is reproducible per seed and differs across seeds', async () => {
    const again = await mkdtemp(path.join(tmpdir(), 'easel-test-model-'));
    const other = await mkdtemp(path.join(tmpdir(), 'easel-test-model-'));
    try {
      await writeTestModel(again, { seed: 7 });
      await writeTestModel(other, { seed: 8 });
      const unet = (d: string): Promise<Buffer> => readFile(path.join(d, 'unet', 'model.onnx'));
      expect((await unet(again)).equals(await unet(dir))).toBe(true);
      expect((await unet(other)).equals(await unet(dir))).toBe(false);
    } finally {
      await rm(again, { recursive: true, force: true });
      await rm(other, { recursive: true, force: true });
    }
  });
});
