import type { GenerationJobPayload } from '@easel/contracts';
import { modeOf } from '@easel/diffusion';
import { describe, expect, it } from 'vitest';
import { InvalidPayloadError, toGenerationRequest } from './to-generation-request.js';

const base: GenerationJobPayload = {
  version: 1,
  generationId: '5b1f2c4e-8d3a-4c1b-9e2f-0a1b2c3d4e5f',
  engine: 'sd15',
  mode: 'text-to-image',
  prompt: 'a lighthouse',
  negativePrompt: 'blurry',
  width: 512,
  height: 512,
  steps: 30,
  cfgScale: 7,
  sampler: 'euler_a',
  seed: 42,
  samples: 2,
  outputPrefix: 'generations/x/',
  preview: false,
};
const init = new Uint8Array([1]);
const mask = new Uint8Array([2]);

describe('toGenerationRequest', () => {
  it('passes the resolved parameters through', () => {
    expect(toGenerationRequest(base, {})).toEqual({
      prompt: 'a lighthouse',
      negativePrompt: 'blurry',
      width: 512,
      height: 512,
      steps: 30,
      cfgScale: 7,
      sampler: 'euler_a',
      seed: 42,
      samples: 2,
      preview: false,
    });
    expect(toGenerationRequest({ ...base, preview: true }, {}).preview).toEqual({ intervalMs: 1000 });
  });

  it('sets only the fields of the mode, so the pipeline runs the mode the payload names', () => {
    const cases: Array<[GenerationJobPayload, string]> = [
      [{ ...base, initImageKey: 'k' }, 'text-to-image'],
      [{ ...base, mode: 'image-to-image', strength: 0.4, stepScheduleEnd: 0.1 }, 'image-to-image'],
      [{ ...base, mode: 'inpaint', maskSource: 'MASK_IMAGE_BLACK' }, 'inpainting'],
      [{ ...base, mode: 'outpaint', outpaint: { left: 64, top: 0, right: 0, bottom: 64 } }, 'outpainting'],
      [{ ...base, mode: 'interpolate', interpolation: { frames: 4, toSeed: 7 } }, 'interpolation'],
    ];
    for (const [payload, mode] of cases)
      expect(modeOf(toGenerationRequest(payload, { init, mask }))).toBe(mode);
    const img2img = toGenerationRequest(cases[1][0], { init, mask });
    expect([img2img.initImage, img2img.maskImage, img2img.strength, img2img.stepScheduleEnd]).toEqual([
      init,
      undefined,
      0.4,
      0.1,
    ]);
    expect(toGenerationRequest(cases[4][0], {}).samples).toBe(1);
  });

  it('uses the init image alpha without a mask image', () => {
    const request = toGenerationRequest(
      { ...base, mode: 'inpaint', maskSource: 'INIT_IMAGE_ALPHA' },
      { init },
    );
    expect([request.maskSource, request.maskImage]).toEqual(['INIT_IMAGE_ALPHA', undefined]);
  });

  it.each([
    [{ ...base, mode: 'image-to-image' as const }, {}, /needs initImageKey/],
    [{ ...base, mode: 'inpaint' as const }, { init }, /needs maskImageKey or maskSource/],
    [
      { ...base, mode: 'inpaint' as const, maskSource: 'MASK_IMAGE_WHITE' as const },
      { init },
      /needs maskImageKey/,
    ],
    [{ ...base, mode: 'outpaint' as const }, { init }, /needs outpaint margins/],
    [{ ...base, mode: 'interpolate' as const }, {}, /needs interpolation settings/],
  ])('rejects a mode without its inputs (%#)', (payload, images, message) => {
    expect(() => toGenerationRequest(payload, images)).toThrow(InvalidPayloadError);
    expect(() => toGenerationRequest(payload, images)).toThrow(message);
  });
});
