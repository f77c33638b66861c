import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestModel } from '../test-model/index.js';
import { OnnxSession, sessionOptions, Tensor } from './index.js';

let root: string;
let modelDir: string;
const unetPath = (): string => path.join(modelDir, 'unet', 'model.onnx');

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'easel-ort-cache-'));
  modelDir = path.join(root, 'model');
  // External weights, as the sd15 bench model and diffusers' exports of the real UNet have them.
  await writeTestModel(modelDir, { seed: 3, unetExternalData: 'weights.pb' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function unetOutput(session: OnnxSession): Promise<Float32Array> {
  const sample = Float32Array.from({ length: 2 * 4 * 8 * 8 }, (_, i) => Math.sin(i));
  const hidden = Float32Array.from({ length: 2 * 77 * 32 }, (_, i) => Math.cos(i) * 0.1);
  const out = await session.run({
    sample: new Tensor('float32', sample, [2, 4, 8, 8]),
    timestep: new Tensor('int64', BigInt64Array.of(500n), [1]),
    encoder_hidden_states: new Tensor('float32', hidden, [2, 77, 32]),
  });
  return out.out_sample.data as Float32Array;
}

describe('optimized-model cache', () => {
  it('saves the optimized graph on first open and opens it on the next, with the same outputs', async () => {
    const cacheDir = path.join(root, 'cache');
    const lines: string[] = [];
    const config = {
      optimizedModelCacheDir: cacheDir,
      intraOpNumThreads: 1,
      log: (l: string) => lines.push(l),
    };
    const plain = await OnnxSession.create('unet', unetPath(), { intraOpNumThreads: 1 });
    const first = await OnnxSession.create('unet', unetPath(), config);
    const [entry] = await readdir(cacheDir);
    expect(entry).toMatch(/^unet-[0-9a-f]{24}$/);
    expect((await readdir(path.join(cacheDir, entry))).sort()).toEqual([
      'complete',
      'model.onnx',
      'model.onnx.data',
    ]);
    expect((await stat(path.join(cacheDir, entry, 'model.onnx.data'))).size).toBeGreaterThan(10_000);
    const second = await OnnxSession.create('unet', unetPath(), config);
    expect(lines).toEqual(['unet: optimized-model cache written', 'unet: optimized-model cache hit']);
    const [a, b, c] = [await unetOutput(plain), await unetOutput(first), await unetOutput(second)];
    expect(Array.from(b)).toEqual(Array.from(a));
    for (let i = 0; i < a.length; i++) expect(c[i]).toBeCloseTo(a[i], 5);
    await Promise.all([plain, first, second].map((s) => s.release()));
  });

  it('keys entries by optimization level, so another level writes its own', async () => {
    const cacheDir = path.join(root, 'levels');
    for (const level of ['basic', 'all'] as const) {
      const s = await OnnxSession.create('unet', unetPath(), {
        optimizedModelCacheDir: cacheDir,
        graphOptimizationLevel: level,
      });
      await s.release();
    }
    expect((await readdir(cacheDir)).filter((n) => n.startsWith('unet-'))).toHaveLength(2);
  });

  it('leaves no entry behind when the model cannot be opened', async () => {
    const cacheDir = path.join(root, 'broken');
    const bad = path.join(modelDir, 'tokenizer', 'vocab.json');
    await expect(OnnxSession.create('unet', bad, { optimizedModelCacheDir: cacheDir })).rejects.toThrow(
      /cannot load/,
    );
    expect(await readdir(cacheDir)).toEqual([]);
  });
});

describe('sessionOptions', () => {
  it('passes only the settings given, and the cache overrides the level', () => {
    expect(sessionOptions({}, ['cpu'])).toEqual({
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
    const tuned = sessionOptions(
      { graphOptimizationLevel: 'basic', cpuMemArena: false, memPattern: false },
      ['cpu'],
      {
        graphOptimizationLevel: 'disabled',
      },
    );
    expect(tuned).toMatchObject({
      graphOptimizationLevel: 'disabled',
      enableCpuMemArena: false,
      enableMemPattern: false,
    });
    expect(() => sessionOptions({ intraOpNumThreads: -1 }, ['cpu'])).toThrow(/non-negative integer/);
  });
});
