import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestModel } from '../test-model/index.js';
import { CanceledError, InvalidImageError, InvalidRequestError } from './errors.js';
import type { GenerationRequest } from './request.js';
import { StableDiffusionPipeline } from './stable-diffusion-pipeline.js';

let dir: string;
let sd: StableDiffusionPipeline;
let sdInpaint: StableDiffusionPipeline;
const base: GenerationRequest = {
  prompt: 'a red square',
  width: 64,
  height: 64,
  steps: 4,
  seed: 7,
  sampler: 'euler_a',
};

/** Blocky 64×64 test image: 8×8-pixel blocks of colour, which the test VAE round-trips almost exactly. */
async function blocks(width = 64, height = 64): Promise<Uint8Array> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const bx = x >> 3;
      const by = y >> 3;
      data.set([(bx * 37) % 256, (by * 53) % 256, ((bx + by) * 29) % 256], (y * width + x) * 3);
    }
  return new Uint8Array(
    await sharp(data, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

/** A mask PNG: white (repaint) on the left half. */
async function leftHalfMask(width = 64, height = 64): Promise<Uint8Array> {
  const data = Buffer.alloc(width * height);
  for (let i = 0; i < data.length; i++) data[i] = i % width < width / 2 ? 255 : 0;
  return new Uint8Array(
    await sharp(data, { raw: { width, height, channels: 1 } })
      .png()
      .toBuffer(),
  );
}

async function rgb(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Mean absolute difference (0..255) between two RGB images over the columns [x0, x1). */
async function meanDiff(a: Uint8Array, b: Uint8Array, x0 = 0, x1 = 64): Promise<number> {
  const [ia, ib] = [await rgb(a), await rgb(b)];
  let sum = 0;
  let n = 0;
  for (let i = 0; i < ia.data.length; i++) {
    const x = Math.floor(i / 3) % ia.width;
    if (x < x0 || x >= x1) continue;
    sum += Math.abs(ia.data[i] - ib.data[i]);
    n++;
  }
  return sum / n;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'easel-pipeline-'));
  await writeTestModel(path.join(dir, 'sd'));
  await writeTestModel(path.join(dir, 'sd-inpaint'), { inpainting: true });
  sd = await StableDiffusionPipeline.fromModelDir(path.join(dir, 'sd'), { limits: { minSize: 64 } });
  sdInpaint = await StableDiffusionPipeline.fromModelDir(path.join(dir, 'sd-inpaint'));
});

afterAll(async () => {
  await sd?.release();
  await sdInpaint?.release();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('text-to-image', () => {
  it('makes PNGs of the requested size with seeds seed, seed+1 and A1111 parameters', async () => {
    const result = await sd.run({ ...base, width: 128, samples: 2 });
    expect(result.mode).toBe('text-to-image');
    expect(result.images.map((i) => [i.seed, i.width, i.height, i.finishReason])).toEqual([
      [7, 128, 64, 'SUCCESS'],
      [8, 128, 64, 'SUCCESS'],
    ]);
    const meta = await sharp(result.images[1].png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 128, 64]);
    expect(meta.comments?.[0]).toEqual({
      keyword: 'parameters',
      text: 'a red square\nSteps: 4, Sampler: Euler a, CFG scale: 7, Seed: 8, Size: 128x64, Model: sd',
    });
  });

  it("without a size renders the model's native size (UNet sample_size × VAE factor), as diffusers does", async () => {
    const native = path.join(dir, 'sd-native');
    await writeTestModel(native);
    await writeFile(path.join(native, 'unet', 'config.json'), JSON.stringify({ sample_size: 8 }));
    const p = await StableDiffusionPipeline.fromModelDir(native);
    try {
      expect(p.limits).toMatchObject({ defaultWidth: 64, defaultHeight: 64 });
      const { images } = await p.run({ prompt: 'a red square', steps: 2, seed: 1 });
      expect(images.map((i) => [i.width, i.height])).toEqual([[64, 64]]);
      expect(await sharp(images[0].png).metadata()).toMatchObject({ width: 64, height: 64 });
    } finally {
      await p.release();
    }
  });

  it("takes the folder's easel.json name and defaults (size, steps, guidance, sampler); refuses a bad one", async () => {
    const folder = path.join(dir, 'sd-easel-json');
    await writeTestModel(folder);
    const settings = { name: 'My engine', nativeWidth: 128, nativeHeight: 64, defaultSteps: 3 };
    const file = path.join(folder, 'easel.json');
    await writeFile(file, JSON.stringify({ ...settings, defaultCfgScale: 4, defaultSampler: 'K_EULER' }));
    const p = await StableDiffusionPipeline.fromModelDir(folder);
    try {
      expect(p.limits).toMatchObject({
        defaultWidth: 128,
        defaultHeight: 64,
        defaultSteps: 3,
        defaultCfgScale: 4,
      });
      const result = await p.run({ prompt: 'a red square', seed: 1 });
      expect(result.timings.unetSteps).toBe(3);
      expect([result.images[0].width, result.images[0].height]).toEqual([128, 64]);
      const text = Buffer.from(result.images[0].png).toString('latin1');
      expect(text).toContain(
        'Steps: 3, Sampler: Euler, CFG scale: 4, Seed: 1, Size: 128x64, Model: My engine',
      );
    } finally {
      await p.release();
    }
    await writeFile(file, JSON.stringify({ ...settings, defaultSampler: 'fastest' }));
    await expect(StableDiffusionPipeline.fromModelDir(folder)).rejects.toThrow(/easel.json: defaultSampler/);
    await writeFile(file, JSON.stringify({ ...settings, nativeWidth: -64 }));
    await expect(StableDiffusionPipeline.fromModelDir(folder)).rejects.toMatchObject({
      code: 'corrupt_model',
    });
  });

  it('same seed → same bytes, also inside a batch; different seeds differ', async () => {
    const batch = await sd.run({ ...base, samples: 2 });
    const again = await sd.run(base);
    const second = await sd.run({ ...base, seed: 8 });
    expect(Buffer.from(again.images[0].png).equals(Buffer.from(batch.images[0].png))).toBe(true);
    expect(Buffer.from(second.images[0].png).equals(Buffer.from(batch.images[1].png))).toBe(true);
    expect(await meanDiff(batch.images[0].png, batch.images[1].png)).toBeGreaterThan(1);
  });

  it('runs weighted, long (3-chunk) and Stability-style prompts, and cfg ≤ 1 without the unconditional pass', async () => {
    const long = Array.from({ length: 160 }, (_, i) => (i % 2 ? '(red:1.3)' : '[square]')).join(' ');
    const a = await sd.run({ ...base, prompt: long, negativePrompt: 'blue' });
    const b = await sd.run({
      ...base,
      prompt: undefined,
      textPrompts: [
        { text: 'a red square', weight: 1 },
        { text: 'blue', weight: -1 },
      ],
    });
    const c = await sd.run({ ...base, cfgScale: 1 });
    const d = await sdInpaint.run(base); // an inpainting UNet without a mask: all-repaint mask, grey image latents
    for (const r of [a, b, c, d]) expect(r.images[0].width).toBe(64);
    expect(await meanDiff(a.images[0].png, c.images[0].png)).toBeGreaterThan(0.5);
  });

  it('reports progress every step with throttled latent previews', async () => {
    const events: Array<{ step: number; totalSteps: number; preview: boolean }> = [];
    await sd.run(
      { ...base, samples: 2, preview: { intervalMs: 0 } },
      {
        onProgress: (e) =>
          events.push({ step: e.step, totalSteps: e.totalSteps, preview: e.preview !== undefined }),
      },
    );
    expect(events.map((e) => e.step)).toEqual([1, 2, 3, 4]);
    expect(events.every((e) => e.totalSteps === 4 && e.preview)).toBe(true);
  });
});

describe('image inputs', () => {
  it('image-to-image with strength near 0 returns nearly the input; strength 1 does not', async () => {
    const init = await blocks();
    const low = await sd.run({ ...base, initImage: init, strength: 0.25, sampler: 'ddim' });
    const high = await sd.run({ ...base, initImage: init, strength: 1, sampler: 'ddim' });
    expect(low.mode).toBe('image-to-image');
    const lowDiff = await meanDiff(low.images[0].png, init);
    expect(lowDiff).toBeLessThan(12);
    expect(await meanDiff(high.images[0].png, init)).toBeGreaterThan(lowDiff + 10);
  });

  it('strength 0 returns the input pixels exactly, for image-to-image and inpainting', async () => {
    const init = await blocks();
    const plain = await sd.run({ ...base, initImage: init, strength: 0 });
    const masked = await sd.run({ ...base, initImage: init, maskImage: await leftHalfMask(), strength: 0 });
    for (const result of [plain, masked]) {
      expect(result.timings.unetSteps).toBe(0);
      expect((await rgb(result.images[0].png)).data.equals((await rgb(init)).data)).toBe(true);
    }
  });

  it('step_schedule_start/end and image_strength pick the img2img part of the schedule', async () => {
    const init = await blocks();
    const count = async (req: GenerationRequest): Promise<number> =>
      (await sd.run({ ...base, initImage: init, steps: 10, ...req })).timings.unetSteps;
    // diffusers' get_timesteps: int(10·0.5) = 5 steps; an end of 0.2 skips the last int(10·0.2) = 2.
    expect(await count({ stepScheduleStart: 0.5 })).toBe(5);
    expect(await count({ stepScheduleStart: 0.5, stepScheduleEnd: 0.2 })).toBe(3);
    expect(await count({ imageStrength: 0.3 })).toBe(7);
    expect(await count({ strength: 0.01 })).toBe(0);
  });

  it.each([
    ['9-channel UNet', () => sdInpaint],
    ['4-channel blend', () => sd],
  ])('inpainting (%s) keeps the unmasked area and repaints the masked one', async (_, pipeline) => {
    const init = await blocks();
    const result = await pipeline().run({
      ...base,
      initImage: init,
      maskImage: await leftHalfMask(),
      keepUnmaskedPixels: false,
    });
    expect(result.mode).toBe('inpainting');
    expect(await meanDiff(result.images[0].png, init, 40, 64)).toBeLessThan(12);
    expect(await meanDiff(result.images[0].png, init, 0, 24)).toBeGreaterThan(20);
    const pasted = await pipeline().run({ ...base, initImage: init, maskImage: await leftHalfMask() });
    expect(await meanDiff(pasted.images[0].png, init, 32, 64)).toBeLessThan(0.5);
  });

  it('outpainting extends the canvas to the new size', async () => {
    const result = await sdInpaint.run({
      ...base,
      initImage: await blocks(),
      outpaint: { left: 64, top: 0, right: 0, bottom: 64 },
    });
    expect(result.mode).toBe('outpainting');
    expect([result.images[0].width, result.images[0].height]).toEqual([128, 128]);
    const meta = await sharp(result.images[0].png).metadata();
    expect([meta.width, meta.height]).toEqual([128, 128]);
  });
});

describe('interpolation', () => {
  it('makes N frames and an animated WebP; frame 0 is the plain text-to-image result', async () => {
    const result = await sd.run({
      ...base,
      interpolation: { toPrompt: 'a blue circle', toSeed: 99, frames: 3 },
    });
    expect(result.images).toHaveLength(3);
    expect(result.images.map((i) => i.seed)).toEqual([7, 7, 99]);
    const meta = await sharp(result.animation!.webp, { animated: true }).metadata();
    expect([meta.format, meta.pages, meta.width, meta.pageHeight]).toEqual(['webp', 3, 64, 64]);
    const plain = await sd.run(base);
    expect(Buffer.from(result.images[0].png).equals(Buffer.from(plain.images[0].png))).toBe(true);
    expect(await meanDiff(result.images[0].png, result.images[2].png)).toBeGreaterThan(1);
  });
});

describe('cancellation and bad input', () => {
  it('stops within one step of the abort with CanceledError', async () => {
    const controller = new AbortController();
    const before = sd.model.timings.unetCalls;
    const run = sd.run(
      { ...base, steps: 20 },
      { signal: controller.signal, onProgress: (e) => e.step === 2 && controller.abort() },
    );
    await expect(run).rejects.toThrow(CanceledError);
    expect(sd.model.timings.unetCalls - before).toBe(2);
    // The pipeline is still usable afterwards.
    expect((await sd.run(base)).images).toHaveLength(1);
  });

  it('refuses corrupt images, masks of another size and sizes off the multiple with clear errors', async () => {
    await expect(sd.run({ ...base, initImage: new Uint8Array([0x89, 0x50, 1, 2, 3]) })).rejects.toThrow(
      expect.objectContaining({ name: 'InvalidImageError', field: 'init_image', code: 'invalid_image' }),
    );
    await expect(
      sd.run({ ...base, initImage: await blocks(), maskImage: await leftHalfMask(32, 32) }),
    ).rejects.toThrow('mask_image: the mask is 32x32 but the init image is 64x64; they must match');
    const bad = sd.run({ ...base, width: 100 });
    await expect(bad).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(bad).rejects.toThrow(
      'width: 100x64 is not allowed: width and height must be multiples of 64 from 64 to 2048',
    );
    await expect(sd.run({ ...base, sampler: 'K_MAGIC' })).rejects.toThrow(
      /sampler: unknown sampler "K_MAGIC"/,
    );
    await expect(
      sd.run({ ...base, width: undefined, height: undefined, initImage: await blocks(72, 72) }),
    ).rejects.toBeInstanceOf(InvalidImageError);
  });
});
