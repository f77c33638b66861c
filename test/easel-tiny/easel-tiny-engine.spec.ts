// The worker serves the bundled model as `npm start` does: its easel.json must parse as an engine descriptor.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../../apps/gpu-worker/src/engines/engine-loader.js';

const dir = fileURLToPath(new URL('../../models/easel-tiny/', import.meta.url));

describe('easel-tiny as a worker engine', () => {
  it('loads with the descriptor from its easel.json: 64x64 native, its own defaults and modes', async () => {
    const engine = await loadEngine('easel-tiny', dir, { intraOpNumThreads: 1 });
    try {
      expect(engine.descriptor).toMatchObject({
        id: 'easel-tiny',
        nativeWidth: 64,
        nativeHeight: 64,
        maxPixels: 4096,
        defaultSampler: 'dpmpp_2m',
        defaultCfgScale: 5,
        defaultSteps: 20,
        modes: ['text-to-image', 'image-to-image', 'inpaint', 'interpolate'],
      });
      expect(engine.descriptor.description).toMatch(/circle, square, triangle, star, ring/);
    } finally {
      await engine.pipeline.release();
    }
  });
});
