// The committed easel-tiny model through the real library: tokenizer ids equal to the training tokenizer's,
// ONNX outputs equal to PyTorch's, and a handful of held-out captions drawn right (judged by pixels).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdModel, StableDiffusionPipeline } from '@easel/diffusion';
import { judge, type EvalFile } from '../../tools/eval-tiny.js';

const dir = fileURLToPath(new URL('../../models/easel-tiny/', import.meta.url));
const readJson = async <T>(name: string): Promise<T> =>
  JSON.parse(await readFile(path.join(dir, name), 'utf8')) as T;
const maxDiff = (a: Float32Array, b: readonly number[]): number =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

interface Reference {
  text_encoder: { input_ids: number[]; shape: number[]; last_hidden_state: number[] };
  unet: { sample: number[]; shape: number[]; timestep: number; out_sample: number[] };
  vae_decoder: { latent_sample: number[]; sample: number[] };
}

let model: SdModel;
beforeAll(async () => {
  model = await SdModel.load(dir, { intraOpNumThreads: 1 });
});
afterAll(async () => {
  await model?.release();
});

describe('easel-tiny model folder', () => {
  it('tokenizes captions to the ids the training tokenizer gave', async () => {
    const { cases } = await readJson<{ cases: { text: string; input_ids: number[] }[] }>(
      'tokenizer-cases.json',
    );
    expect(cases.length).toBeGreaterThan(3);
    for (const c of cases) expect(model.tokenizer.encode(c.text), c.text).toEqual(c.input_ids);
  });

  it('runs the ONNX graphs to PyTorch outputs (max abs diff < 1e-4)', async () => {
    const ref = await readJson<Reference>('reference.json');
    const batch = ref.text_encoder.shape[0];
    const hidden = await model.encodeText(Int32Array.from(ref.text_encoder.input_ids), batch);
    expect(maxDiff(hidden, ref.text_encoder.last_hidden_state)).toBeLessThan(1e-4);
    const [b, c, h, w] = ref.unet.shape;
    const eps = await model.predictNoise(
      Float32Array.from(ref.unet.sample),
      [b, c, h, w],
      ref.unet.timestep,
      hidden,
      b,
    );
    expect(maxDiff(eps, ref.unet.out_sample)).toBeLessThan(1e-4);
    // decode() takes latents already divided by the scaling factor, as recorded.
    const image = await model.decode(Float32Array.from(ref.vae_decoder.latent_sample), [1, 4, 8, 8]);
    expect(maxDiff(image, ref.vae_decoder.sample)).toBeLessThan(1e-4);
    expect(model.vaeScaleFactor).toBe(8);
  });
});

describe('easel-tiny draws held-out captions', () => {
  it('gets background, shape colour and position right on a handful of captions', async () => {
    const spec = await readJson<EvalFile>('eval-cases.json');
    const engine = await readJson<{ defaultCfgScale: number; defaultSteps: number }>('easel.json');
    const cases = spec.cases.filter((_, i) => i % 27 === 0); // 8 captions, different combinations
    const pipeline = new StableDiffusionPipeline(model);
    const hits = { bg: 0, colour: 0, pos: 0 };
    for (const c of cases) {
      const { images } = await pipeline.run({
        prompt: c.caption,
        width: 64,
        height: 64,
        steps: engine.defaultSteps,
        cfgScale: engine.defaultCfgScale,
        sampler: 'dpmpp_2m',
        seed: c.seed,
      });
      const { data, info } = await sharp(images[0].png)
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const v = judge(new Uint8Array(data), info.width, info.height, spec);
      hits.bg += Number(v.bg === c.bg);
      hits.colour += Number(v.colour === c.colour);
      hits.pos += Number(v.pos === c.pos);
    }
    expect(cases).toHaveLength(8);
    // The full evaluation (npm run eval:tiny, 216 captions) measured 100% / 99.5% / 97.7%.
    expect(hits.bg).toBeGreaterThanOrEqual(7);
    expect(hits.colour).toBeGreaterThanOrEqual(6);
    expect(hits.pos).toBeGreaterThanOrEqual(6);
  });
});
