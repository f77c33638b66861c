import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InvalidImageError } from '../pipeline/errors.js';
import { decodeFitted, probeImage, rgbaToTensor } from './decode.js';
import { encodeAnimatedWebp, encodePng, tensorToRgb8 } from './encode.js';
import { loadMask, maskToLatent } from './mask.js';
import { extendCanvas } from './outpaint.js';
import { formatGenerationParameters } from './parameters.js';
import { insertPngText } from './png-text.js';
import { latentPreview } from './preview.js';

/** A width×height PNG: left half red, right half blue, optional alpha. */
async function halves(width: number, height: number, alpha = 255): Promise<Uint8Array> {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const left = i % width < width / 2;
    data.set([left ? 255 : 0, 0, left ? 0 : 255, alpha], i * 4);
  }
  return new Uint8Array(
    await sharp(data, { raw: { width, height, channels: 4 } })
      .png()
      .toBuffer(),
  );
}

describe('decodeFitted (cover + centre crop)', () => {
  it('scales to cover and crops the overflow equally', async () => {
    // 200×100 → 100×100: scaled to 200×100 to cover, then 50 px cut from each side.
    const img = await decodeFitted(await halves(200, 100), 'init_image', 100, 100);
    expect([img.width, img.height, img.data.length]).toEqual([100, 100, 100 * 100 * 4]);
    const px = (x: number): number[] =>
      Array.from(img.data.subarray((50 * 100 + x) * 4, (50 * 100 + x) * 4 + 4));
    expect(px(5)).toEqual([255, 0, 0, 255]);
    expect(px(95)).toEqual([0, 0, 255, 255]);
  });
  it('reads 16-bit, greyscale and other formats as 8-bit RGBA', async () => {
    const grey16 = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
      .toColourspace('grey16')
      .png()
      .toBuffer();
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#ff0000' } })
      .jpeg()
      .toBuffer();
    const webp = await sharp({ create: { width: 16, height: 16, channels: 4, background: '#0000ff80' } })
      .webp({ lossless: true })
      .toBuffer();
    expect(Array.from((await decodeFitted(grey16, 'init_image', 4, 4)).data.subarray(0, 4))).toEqual([
      128, 128, 128, 255,
    ]);
    expect(Array.from((await decodeFitted(jpeg, 'init_image', 8, 8)).data.subarray(0, 4))).toEqual([
      254, 0, 0, 255,
    ]);
    expect(Array.from((await decodeFitted(webp, 'init_image', 8, 8)).data.subarray(0, 4))).toEqual([
      0, 0, 255, 128,
    ]);
  });

  it('maps pixels to [-1,1] NCHW', async () => {
    const img = await decodeFitted(await halves(8, 8), 'init_image', 8, 8);
    const t = rgbaToTensor(img);
    expect([t[0], t[64], t[128], t[7], t[128 + 7]]).toEqual([1, -1, -1, -1, 1]);
  });
  it('refuses corrupt bytes and decompression bombs with InvalidImageError', async () => {
    await expect(decodeFitted(new Uint8Array([1, 2, 3, 4]), 'init_image', 8, 8)).rejects.toThrow(
      InvalidImageError,
    );
    await expect(probeImage(await halves(64, 64), 'init_image', { maxInputPixels: 1000 })).rejects.toThrow(
      /init_image: .*pixel/,
    );
  });
});

describe('masks', () => {
  it('white, black and alpha sources, and the latent grid', async () => {
    const init = {
      image: await decodeFitted(await halves(16, 16, 0), 'init_image', 16, 16),
      sourceWidth: 16,
      sourceHeight: 16,
    };
    const mask = await halves(16, 16);
    const white = await loadMask('MASK_IMAGE_WHITE', init, mask);
    const black = await loadMask('MASK_IMAGE_BLACK', init, mask);
    const alpha = await loadMask('INIT_IMAGE_ALPHA', init, undefined);
    // Red (left) has luma ≈ 0.3, blue (right) ≈ 0.1 after greyscale.
    expect(white.data[0]).toBeCloseTo(1 - black.data[0], 6);
    expect(alpha.data.every((v) => v === 1)).toBe(true);
    const latent = maskToLatent(
      { width: 4, height: 2, data: new Float32Array([0, 0.4, 0.6, 1, 1, 1, 0, 0]) },
      2,
      1,
    );
    expect(Array.from(latent)).toEqual([0, 1]);
  });
  it('refuses a mask of another size', async () => {
    const init = {
      image: await decodeFitted(await halves(16, 16), 'init_image', 16, 16),
      sourceWidth: 16,
      sourceHeight: 16,
    };
    await expect(loadMask('MASK_IMAGE_WHITE', init, await halves(32, 16))).rejects.toThrow(
      'mask_image: the mask is 32x16 but the init image is 16x16',
    );
  });
});

describe('PNG and WebP output', () => {
  it('writes A1111 parameters in a tEXt chunk that PNG readers see', async () => {
    const params = formatGenerationParameters({
      prompt: 'a cat, (sitting:1.2)',
      negativePrompt: 'blurry',
      steps: 20,
      sampler: 'euler_a',
      cfgScale: 7,
      seed: 42,
      width: 512,
      height: 512,
      model: 'sd15',
    });
    expect(params).toBe(
      'a cat, (sitting:1.2)\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x512, Model: sd15',
    );
    const rgb = tensorToRgb8(new Float32Array([-1, 0, 1, 2, -1, -1, -1, -1, 0.5, 0.5, 0.5, 0.5]), 0, 2, 2);
    expect(Array.from(rgb.subarray(0, 6))).toEqual([0, 0, 191, 128, 0, 191]);
    const png = await encodePng(rgb, 2, 2, params);
    const meta = await sharp(png).metadata();
    expect(meta.comments).toEqual([{ keyword: 'parameters', text: params }]);
    const raw = await sharp(png).raw().toBuffer();
    expect(Array.from(raw)).toEqual(Array.from(rgb));
  });
  it('falls back to iTXt for text outside Latin-1', async () => {
    const png = insertPngText(await encodePng(new Uint8Array(12), 2, 2), 'parameters', '猫 cat');
    expect((await sharp(png).metadata()).comments).toEqual([{ keyword: 'parameters', text: '猫 cat' }]);
  });
  it('builds an animated WebP with one page per frame', async () => {
    const frames = [0, 100, 200].map((v) => new Uint8Array(8 * 8 * 3).fill(v));
    const webp = await encodeAnimatedWebp(frames, 8, 8, 120);
    const meta = await sharp(webp, { animated: true }).metadata();
    expect([meta.format, meta.pages, meta.pageHeight, meta.width, meta.loop]).toEqual(['webp', 3, 8, 8, 0]);
    expect(meta.delay).toEqual([120, 120, 120]);
  });
});

describe('extendCanvas (outpainting)', () => {
  it('grows the canvas, keeps the original pixels and masks only the new area', async () => {
    const image = await decodeFitted(await halves(16, 8), 'init_image', 16, 8);
    for (const fill of ['edge', 'blur'] as const) {
      const out = await extendCanvas(image, { left: 8, top: 0, right: 0, bottom: 8 }, fill);
      expect([out.image.width, out.image.height, out.mask.width, out.mask.height]).toEqual([24, 16, 24, 16]);
      const at = (x: number, y: number): number[] =>
        Array.from(out.image.data.subarray((y * 24 + x) * 4, (y * 24 + x) * 4 + 4));
      expect(at(8, 0)).toEqual([255, 0, 0, 255]);
      expect(at(23, 7)).toEqual([0, 0, 255, 255]);
      expect([out.mask.data[0], out.mask.data[8], out.mask.data[15 * 24 + 20]]).toEqual([1, 0, 1]);
      if (fill === 'edge') expect(at(0, 0)).toEqual([255, 0, 0, 255]);
    }
  });
});

describe('latentPreview', () => {
  it('maps SD 1.x latents to RGB with the linear factors, at latent size', async () => {
    // Two samples of [4,1,2]; the second has all channels 1 at pixel 0 and 0 at pixel 1.
    const latents = new Float32Array([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    const preview = await latentPreview(latents, 1, 4, 2, 1);
    expect([preview.width, preview.height]).toEqual([2, 1]);
    const rgb = Array.from(await sharp(preview.png).raw().toBuffer());
    // Column sums of the factors: R 0.143, G 0.411, B 0.172 → ((v + 1) / 2)·255; zero latents → 127.5 → 128.
    expect(rgb).toEqual([146, 180, 149, 128, 128, 128]);
  });
});
