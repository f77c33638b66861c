import type { Engine } from '@easel/sdk';
import { describe, expect, it } from 'vitest';
import { outputSize, toParams, type GenerateValues, type InitImage } from './generate-form';

const engine = {
  id: 'e',
  nativeWidth: 64,
  nativeHeight: 64,
  sizeMultiple: 64,
  minSize: 64,
  maxSize: 512,
  maxPixels: 512 * 512,
  modes: ['text-to-image', 'image-to-image', 'outpaint'],
} as unknown as Engine;

const values = (over: Partial<GenerateValues>): GenerateValues => ({
  engine: 'e',
  mode: 'outpaint',
  prompt: 'a harbour',
  negativePrompt: '',
  width: 64,
  height: 64,
  steps: 20,
  cfgScale: 7,
  sampler: 'euler',
  seedMode: 'random',
  seed: 1,
  samples: 1,
  strength: 0.6,
  outpaintSides: ['left', 'right'],
  outpaintBy: 64,
  toPrompt: '',
  toSeed: '',
  frames: 8,
  ...over,
});

const init = (width: number, height: number): InitImage => ({
  blob: new Blob([]),
  url: 'blob:x',
  width,
  height,
  name: 'in',
});

describe('sizes the quote and the request agree on', () => {
  it('an outpainting keeps its input size and sends it (the API would otherwise work at the native size)', () => {
    const v = values({});
    expect(outputSize(v, init(256, 128), engine)).toEqual({ width: 384, height: 128 });
    expect(toParams(v, init(256, 128), null, engine)).toMatchObject({ width: 256, height: 128 });
  });

  it('an outpainting whose result would not fit works at the chosen size', () => {
    const v = values({ width: 128, height: 128 });
    expect(outputSize(v, init(512, 512), engine)).toEqual({ width: 256, height: 128 });
    expect(toParams(v, init(512, 512), null, engine)).toMatchObject({ width: 128, height: 128 });
  });

  it('image-to-image keeps a fitting input size without sending one', () => {
    const v = values({ mode: 'image-to-image' });
    expect(outputSize(v, init(256, 128), engine)).toEqual({ width: 256, height: 128 });
    expect(toParams(v, init(256, 128), null, engine)).not.toHaveProperty('width');
  });
});
