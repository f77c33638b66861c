import type { CreateGenerationRequest, EngineDescriptor } from '@easel/contracts';
import { CreateGenerationRequest as Schema, creditsFor } from '@easel/contracts';
import { describe, expect, it } from 'vitest';
import type { ProbedImage } from './generation-images.js';
import { GenerationInputError, resolveGeneration } from './generation-request.js';

const engine: EngineDescriptor = {
  id: 'sd15',
  name: 'SD 1.5',
  description: '',
  type: 'PICTURE',
  nativeWidth: 512,
  nativeHeight: 512,
  sizeMultiple: 64,
  minSize: 64,
  maxSize: 1024,
  maxPixels: 768 * 768,
  modes: ['text-to-image', 'image-to-image', 'inpaint', 'outpaint', 'interpolate'],
  samplers: ['euler_a', 'ddim'],
  defaultSampler: 'euler_a',
  defaultSteps: 30,
  defaultCfgScale: 7,
};
const id = '00000000-0000-4000-8000-000000000001';
const req = (fields: Record<string, unknown>): CreateGenerationRequest =>
  Schema.parse({ engine: 'sd15', prompt: 'a cat', ...fields });
const image = (width: number, height: number, hasAlpha = false): ProbedImage => ({
  bytes: Buffer.alloc(1),
  width,
  height,
  hasAlpha,
  format: 'png',
  contentType: 'image/png',
});
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof GenerationInputError) return error.message;
    throw error;
  }
  throw new Error('not refused');
};

describe('resolveGeneration', () => {
  it('fills defaults from the engine, picks a seed for 0, prices the request', () => {
    const { payload, cost } = resolveGeneration(id, req({ seed: 0 }), engine, {});
    expect(payload).toMatchObject({
      width: 512,
      height: 512,
      steps: 30,
      cfgScale: 7,
      sampler: 'euler_a',
      samples: 1,
    });
    expect(payload.seed).toBeGreaterThan(0);
    expect(payload.outputPrefix).toBe(`generations/${id}/`);
    expect(cost).toBe(1);
    expect(resolveGeneration(id, req({ seed: 42 }), engine, {}).payload.seed).toBe(42);
  });

  it('refuses sizes, pixels, samplers and modes the engine does not allow, naming the field', () => {
    expect(refusal(() => resolveGeneration(id, req({ width: 1088 }), engine, {}))).toMatch(
      /^body\.width: must be from 64 to 1024/,
    );
    expect(refusal(() => resolveGeneration(id, req({ width: 1024, height: 1024 }), engine, {}))).toMatch(
      /^body\.width: 1024x1024 is 1048576 pixels/,
    );
    expect(refusal(() => resolveGeneration(id, req({ sampler: 'heun' }), engine, {}))).toMatch(
      /^body\.sampler/,
    );
    const t2iOnly = { ...engine, modes: ['text-to-image' as const] };
    expect(refusal(() => resolveGeneration(id, req({ mode: 'inpaint' }), t2iOnly, {}))).toMatch(
      /^body\.mode/,
    );
  });

  it('keeps the init image size for image modes when it fits, else the native size', () => {
    const fits = resolveGeneration(id, req({ mode: 'image-to-image' }), engine, {
      initImage: image(640, 384),
    });
    expect([fits.payload.width, fits.payload.height]).toEqual([640, 384]);
    const odd = resolveGeneration(id, req({ mode: 'image-to-image' }), engine, {
      initImage: image(500, 300),
    });
    expect([odd.payload.width, odd.payload.height]).toEqual([512, 512]);
  });

  it('checks the inputs each mode needs', () => {
    expect(refusal(() => resolveGeneration(id, req({ mode: 'image-to-image' }), engine, {}))).toMatch(
      /^body\.initImage: required/,
    );
    expect(refusal(() => resolveGeneration(id, req({}), engine, { initImage: image(64, 64) }))).toMatch(
      /^body\.initImage: not used/,
    );
    expect(
      refusal(() =>
        resolveGeneration(id, req({ mode: 'inpaint' }), engine, {
          initImage: image(64, 64),
          mask: image(64, 128),
        }),
      ),
    ).toMatch(/^body\.mask: is 64x128/);
    expect(
      refusal(() =>
        resolveGeneration(id, req({ mode: 'inpaint', maskSource: 'INIT_IMAGE_ALPHA' }), engine, {
          initImage: image(64, 64),
        }),
      ),
    ).toMatch(/alpha/);
    const alpha = resolveGeneration(id, req({ mode: 'inpaint', maskSource: 'INIT_IMAGE_ALPHA' }), engine, {
      initImage: image(64, 64, true),
    });
    expect(alpha.payload.maskSource).toBe('INIT_IMAGE_ALPHA');
  });

  it('prices outpainting at the result size and interpolation per frame', () => {
    const out = resolveGeneration(
      id,
      req({ mode: 'outpaint', width: 512, height: 512, outpaint: { left: 128, right: 128 } }),
      engine,
      { initImage: image(512, 512) },
    );
    expect(out.cost).toBe(creditsFor({ width: 768, height: 512, steps: 30, samples: 1 }));
    expect(
      refusal(() =>
        resolveGeneration(
          id,
          req({ mode: 'outpaint', width: 768, height: 768, outpaint: { left: 64 } }),
          engine,
          {
            initImage: image(64, 64),
          },
        ),
      ),
    ).toMatch(/^body\.outpaint: .*pixels/);
    const frames = resolveGeneration(
      id,
      req({ mode: 'interpolate', samples: 4, interpolation: { toSeed: 3, frames: 5 } }),
      engine,
      {},
    );
    expect([frames.payload.samples, frames.cost]).toEqual([1, 5]);
  });
});
