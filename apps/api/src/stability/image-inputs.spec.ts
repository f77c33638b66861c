import type { EngineDescriptor } from '@easel/contracts';
import { describe, expect, it } from 'vitest';
import { bombPng, gradientPng, halfMaskPng, truncatedPng } from '../../../../test/stability/images.js';
import { checkImage, checkMask } from './image-inputs.js';

const engine: EngineDescriptor = {
  id: 'test',
  name: 'test',
  description: 'test',
  type: 'PICTURE',
  nativeWidth: 64,
  nativeHeight: 64,
  sizeMultiple: 8,
  minSize: 64,
  maxSize: 512,
  maxPixels: 512 * 512,
  modes: ['text-to-image', 'image-to-image', 'inpaint'],
  samplers: ['euler'],
  defaultSampler: 'euler',
  defaultSteps: 4,
  defaultCfgScale: 7,
};

async function nameOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}

describe('checkImage', () => {
  it('reads size and alpha of a good PNG', async () => {
    const image = await checkImage('init_image', await gradientPng(128, 64, true), engine);
    expect(image).toMatchObject({ width: 128, height: 64, hasAlpha: true });
  });

  it('refuses bytes that are no image, empty files, corrupt data and off-grid sizes', async () => {
    expect(await nameOf(checkImage('init_image', Buffer.from('GIF89a not really'), engine))).toBe(
      'invalid_mime_type',
    );
    expect(await nameOf(checkImage('init_image', Buffer.alloc(0), engine))).toBe('invalid_file_size');
    expect(await nameOf(checkImage('init_image', await truncatedPng(128, 128), engine))).toBe('bad_request');
    expect(await nameOf(checkImage('init_image', await gradientPng(100, 64), engine))).toBe(
      'invalid_height_or_width',
    );
  });

  it('refuses a decompression bomb from its header, quickly and without decoding it', async () => {
    const bomb = await bombPng(65_536, 65_536);
    expect(bomb.length).toBeLessThan(20_000);
    const started = performance.now();
    expect(await nameOf(checkImage('init_image', bomb, engine))).toBe('invalid_pixel_count');
    // Within the pixel count but one side over the engine's maximum.
    expect(await nameOf(checkImage('init_image', await bombPng(1024, 128), engine))).toBe(
      'invalid_height_or_width',
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('checkMask', () => {
  it('needs a mask of the same size for MASK_IMAGE_*, and alpha for INIT_IMAGE_ALPHA', async () => {
    const init = await checkImage('init_image', await gradientPng(64, 64), engine);
    expect(await checkMask('MASK_IMAGE_WHITE', init, await halfMaskPng(64, 64), engine)).toBeInstanceOf(
      Buffer,
    );
    expect(await nameOf(checkMask('MASK_IMAGE_BLACK', init, await halfMaskPng(128, 64), engine))).toBe(
      'invalid_image_dimensions',
    );
    expect(await nameOf(checkMask('MASK_IMAGE_WHITE', init, undefined, engine))).toBe('invalid_mask_image');
    expect(await nameOf(checkMask('INIT_IMAGE_ALPHA', init, undefined, engine))).toBe('invalid_mask_image');
    const withAlpha = await checkImage('init_image', await gradientPng(64, 64, true), engine);
    expect(await checkMask('INIT_IMAGE_ALPHA', withAlpha, undefined, engine)).toBeUndefined();
  });
});
