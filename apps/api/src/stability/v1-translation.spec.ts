import {
  StabilityImageToImageRequest,
  StabilityMaskingRequest,
  StabilityTextToImageRequest,
  type EngineDescriptor,
} from '@easel/contracts';
import { describe, expect, it } from 'vitest';
import {
  checkSize,
  imageToImageRequest,
  maskingRequest,
  stabilityValidationError,
  textToImageRequest,
  translatePrompts,
} from './v1-translation.js';

const sd15: EngineDescriptor = {
  id: 'stable-diffusion-v1-5',
  name: 'Stable Diffusion v1.5',
  description: 'SD 1.5',
  type: 'PICTURE',
  nativeWidth: 512,
  nativeHeight: 512,
  sizeMultiple: 8,
  minSize: 64,
  maxSize: 2048,
  maxPixels: 1_048_576,
  modes: ['text-to-image', 'image-to-image', 'inpaint', 'outpaint', 'interpolate'],
  samplers: [
    'ddim',
    'ddpm',
    'dpmpp_2m',
    'dpmpp_2s_a',
    'dpm2',
    'dpm2_a',
    'euler',
    'euler_a',
    'heun',
    'lms',
    'pndm',
  ],
  defaultSampler: 'euler_a',
  defaultSteps: 30,
  defaultCfgScale: 7,
};

function nameOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}

describe('translatePrompts', () => {
  it('joins positive prompts, weighting all but 1 in A1111 syntax, and makes negatives the negative prompt', () => {
    expect(
      translatePrompts([
        { text: 'A lighthouse on a cliff' },
        { text: 'storm (night)', weight: 0.5 },
        { text: 'land, ground, dirt, grass', weight: -0.9 },
        { text: 'ignored', weight: 0 },
      ]),
    ).toEqual({
      prompt: 'A lighthouse on a cliff, (storm \\(night\\):0.5)',
      negativePrompt: '(land, ground, dirt, grass:0.9)',
    });
  });

  it('leaves a weight of -1 unwrapped in the negative prompt', () => {
    expect(
      translatePrompts([
        { text: 'a cat', weight: 1 },
        { text: 'blurry', weight: -1 },
      ]),
    ).toEqual({
      prompt: 'a cat',
      negativePrompt: 'blurry',
    });
  });

  it('refuses prompts without a positive weight, and empty prompts', () => {
    expect(nameOf(() => translatePrompts([{ text: 'blurry', weight: -1 }]))).toBe('bad_request');
    expect(nameOf(() => translatePrompts([{ text: '   ' }]))).toBe('bad_request');
  });
});

describe('v1 schemas', () => {
  it('apply the spec defaults: cfg 7, samples 1, seed 0, steps 50, IMAGE_STRENGTH 0.35, start 0.65', () => {
    const t2i = StabilityTextToImageRequest.parse({ text_prompts: [{ text: 'x' }] });
    expect(t2i).toMatchObject({ cfg_scale: 7, samples: 1, seed: 0, steps: 50, clip_guidance_preset: 'NONE' });
    expect(t2i.width).toBeUndefined();
    const i2i = StabilityImageToImageRequest.parse({ text_prompts: [{ text: 'x' }] });
    expect(i2i).toMatchObject({
      init_image_mode: 'IMAGE_STRENGTH',
      image_strength: 0.35,
      step_schedule_start: 0.65,
    });
  });

  it('take multipart text for numbers', () => {
    const body = StabilityImageToImageRequest.parse({
      text_prompts: [{ text: 'A dog space commander', weight: '1' }],
      image_strength: '0.35',
      cfg_scale: '7',
      samples: '3',
      steps: '20',
      sampler: 'K_DPM_2_ANCESTRAL',
      clip_guidance_preset: 'FAST_BLUE',
    });
    expect(body).toMatchObject({ cfg_scale: 7, samples: 3, steps: 20, image_strength: 0.35 });
    expect(body.text_prompts[0]?.weight).toBe(1);
  });

  it.each([
    [{ width: 500 }, 'invalid_height_or_width'],
    [{ height: 64 }, 'invalid_height_or_width'],
    [{ steps: 9 }, 'bad_request'],
    [{ steps: 151 }, 'bad_request'],
    [{ cfg_scale: 35.5 }, 'bad_request'],
    [{ samples: 11 }, 'bad_request'],
    [{ seed: 4294967296 }, 'bad_request'],
    [{ sampler: 'K_EULER_FAST' }, 'bad_request'],
    [{ text_prompts: [] }, 'bad_request'],
    [{ text_prompts: [{ text: 'x'.repeat(2001) }] }, 'bad_request'],
  ])('refuse %j with %s', (patch, name) => {
    const result = StabilityTextToImageRequest.safeParse({ text_prompts: [{ text: 'x' }], ...patch });
    expect(result.success).toBe(false);
    if (!result.success) expect(stabilityValidationError(result.error).code).toBe(name);
  });

  it('name the offending field in the message', () => {
    const result = StabilityTextToImageRequest.safeParse({ text_prompts: [{ text: 'x'.repeat(2001) }] });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(stabilityValidationError(result.error).message).toMatch(/^text_prompts\[0\]\.text: /);
  });

  it('require mask_source on masking', () => {
    expect(StabilityMaskingRequest.safeParse({ text_prompts: [{ text: 'x' }] }).success).toBe(false);
  });
});

describe('checkSize (SD 1.x engine)', () => {
  it('takes 512x512, 1024x1024 and 2048x128', () => {
    expect(() => checkSize(512, 512, sd15)).not.toThrow();
    expect(() => checkSize(1024, 1024, sd15)).not.toThrow();
    expect(() => checkSize(2048, 128, sd15)).not.toThrow();
  });
  it('refuses too many and too few pixels with invalid_pixel_count', () => {
    expect(nameOf(() => checkSize(1088, 1024, sd15))).toBe('invalid_pixel_count');
    expect(nameOf(() => checkSize(256, 256, sd15))).toBe('invalid_pixel_count');
  });
  it('refuses non-multiples of 64 with invalid_height_or_width', () => {
    expect(nameOf(() => checkSize(520, 512, sd15))).toBe('invalid_height_or_width');
  });
});

describe('native requests', () => {
  it('text-to-image: the native size by default, samplers by STABILITY_SAMPLERS', () => {
    const body = StabilityTextToImageRequest.parse({
      text_prompts: [{ text: 'A lighthouse on a cliff', weight: 1 }],
      sampler: 'K_DPM_2_ANCESTRAL',
      steps: 75,
      seed: 42,
    });
    expect(textToImageRequest(sd15, body)).toEqual({
      engine: 'stable-diffusion-v1-5',
      mode: 'text-to-image',
      prompt: 'A lighthouse on a cliff',
      width: 512,
      height: 512,
      steps: 75,
      cfgScale: 7,
      sampler: 'dpm2_a',
      seed: 42,
      samples: 1,
    });
  });

  it('image-to-image: IMAGE_STRENGTH s → strength 1−s; STEP_SCHEDULE start → strength, end passed on', () => {
    const size = { width: 512, height: 512 };
    const strength = StabilityImageToImageRequest.parse({
      text_prompts: [{ text: 'x' }],
      image_strength: 0.4,
    });
    expect(imageToImageRequest(sd15, strength, size).request.strength).toBeCloseTo(0.6, 12);
    const schedule = StabilityImageToImageRequest.parse({
      text_prompts: [{ text: 'x' }],
      init_image_mode: 'STEP_SCHEDULE',
      step_schedule_start: 0.7,
      step_schedule_end: 0.1,
    });
    const translated = imageToImageRequest(sd15, schedule, size);
    expect(translated.request).toMatchObject({
      mode: 'image-to-image',
      strength: 0.7,
      width: 512,
      height: 512,
    });
    expect(translated.stepScheduleEnd).toBe(0.1);
  });

  it('masking: inpaint with the mask source', () => {
    const body = StabilityMaskingRequest.parse({
      text_prompts: [{ text: 'x' }],
      mask_source: 'MASK_IMAGE_BLACK',
    });
    expect(maskingRequest(sd15, body, { width: 512, height: 512 })).toMatchObject({
      mode: 'inpaint',
      maskSource: 'MASK_IMAGE_BLACK',
    });
  });

  it('refuses a sampler or mode the engine does not serve', () => {
    const t2iOnly = { ...sd15, modes: ['text-to-image' as const], samplers: ['euler' as const] };
    const body = StabilityTextToImageRequest.parse({ text_prompts: [{ text: 'x' }], sampler: 'K_LMS' });
    expect(nameOf(() => textToImageRequest(t2iOnly, body))).toBe('bad_request');
    const i2i = StabilityImageToImageRequest.parse({ text_prompts: [{ text: 'x' }] });
    expect(nameOf(() => imageToImageRequest(t2iOnly, i2i, { width: 512, height: 512 }))).toBe('bad_request');
  });
});
