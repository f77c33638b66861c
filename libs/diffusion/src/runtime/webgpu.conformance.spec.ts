// WebGPU against the CPU provider, on lavapipe in CI: every graph of easel-tiny and of the generated test models
// (4- and 9-channel, fp32 and fp16) within tolerance, and whole pictures within a few levels. Sizes and steps are
// the smallest that still exercise each graph: lavapipe runs shaders on the CPU.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemDepsReady, VULKAN_FOR_WEBGPU } from '../../../../test/support/system-deps.js';
import { StableDiffusionPipeline, type GenerationRequest } from '../pipeline/index.js';
import { writeTestModel } from '../test-model/index.js';
import { DeviceTensors, OnnxSession, probeWebGpu, Tensor, type Feeds, type TensorInfo } from './index.js';
import { float16Tensor } from './float16-tensor.js';
import { readFloats } from '../model/tensors.js';

const EASEL_TINY = path.resolve(import.meta.dirname, '../../../../models/easel-tiny');
const GRAPHS = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'] as const;

const ready = systemDepsReady('WebGPU conformance', [VULKAN_FOR_WEBGPU]);

/** Deterministic inputs for one graph from its declared inputs: latents 8×8, images 64×64, batch 2 (guided). */
function feedsFor(inputs: ReadonlyMap<string, TensorInfo>, graph: string, vocab: number): Feeds {
  const feeds: Feeds = {};
  let seed = 1;
  const values = (n: number, scale: number): Float32Array =>
    Float32Array.from({ length: n }, (_, i) => scale * Math.sin((i + 1) * 0.618 * ++seed));
  for (const info of inputs.values()) {
    const dims = info.shape.map((d, i) => {
      if (typeof d === 'number') return d;
      if (d === 'batch') return graph === 'unet' || graph === 'text_encoder' ? 2 : 1;
      if (i >= 2 && graph === 'vae_encoder') return 64;
      if (i >= 2 && info.shape.length === 4) return 8;
      if (d === 'sequence') return 77;
      return 1;
    });
    const n = dims.reduce((a, b) => a * b, 1);
    if (info.name === 'input_ids') {
      // CLIP's layout: start token, a few words, end token as padding (the last two ids of the vocabulary).
      const ids = Int32Array.from({ length: n }, (_, i) =>
        i % 77 === 0 ? vocab - 2 : i % 77 < 6 ? 40 + i : vocab - 1,
      );
      feeds[info.name] =
        info.type === 'int64'
          ? new Tensor('int64', BigInt64Array.from(ids, BigInt), dims)
          : new Tensor('int32', ids, dims);
    } else if (info.name === 'timestep') {
      feeds[info.name] =
        info.type === 'int64'
          ? new Tensor('int64', new BigInt64Array(n).fill(601n), dims)
          : info.type === 'float16'
            ? float16Tensor(new Float32Array(n).fill(601), dims)
            : new Tensor(info.type as 'float32', new Float32Array(n).fill(601), dims);
    } else {
      const data = values(n, info.name === 'sample' && graph === 'vae_encoder' ? 0.9 : 1);
      feeds[info.name] =
        info.type === 'float16' ? float16Tensor(data, dims) : new Tensor('float32', data, dims);
    }
  }
  return feeds;
}

/** Max |webgpu − cpu| over every output, and the outputs' largest magnitude. */
async function compareGraph(
  file: string,
  graph: string,
): Promise<{ diff: number; scale: number; log: string[] }> {
  const log: string[] = [];
  const cpu = await OnnxSession.create(graph, file, { executionProviders: ['cpu'] });
  const gpu = await OnnxSession.create(graph, file, {
    executionProviders: ['webgpu'],
    log: (l) => log.push(l),
  });
  try {
    const vocabFile = path.join(path.dirname(file), '..', 'tokenizer', 'vocab.json');
    const vocab = Object.keys(JSON.parse(await readFile(vocabFile, 'utf8')) as object).length;
    const feeds = feedsFor(cpu.inputs, graph, vocab);
    const [want, got] = [await cpu.run(feeds), await gpu.run(feeds)];
    let diff = 0;
    let scale = 0;
    for (const name of Object.keys(want)) {
      const a = readFloats(want[name], name);
      const b = readFloats(got[name], name);
      for (let i = 0; i < a.length; i++) {
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(a[i]));
      }
    }
    return { diff, scale, log };
  } finally {
    await Promise.all([cpu.release(), gpu.release()]);
  }
}

async function maxLevelDiff(a: Uint8Array, b: Uint8Array): Promise<number> {
  const [x, y] = await Promise.all([a, b].map((png) => sharp(png).raw().toBuffer()));
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  return max;
}

describe.skipIf(!ready)('WebGPU conformance (lavapipe in CI)', () => {
  let dir: string;
  const models: Record<string, string> = {};

  beforeAll(async () => {
    const adapter = await probeWebGpu();
    if (!adapter.ok) throw new Error(`WebGPU adapter: ${adapter.reason}`);
    dir = await mkdtemp(path.join(tmpdir(), 'easel-webgpu-'));
    models['easel-tiny'] = EASEL_TINY;
    models['test model'] = path.join(dir, 'sd');
    models['test model, 9-channel'] = path.join(dir, 'sd-inpaint');
    models['test model, fp16'] = path.join(dir, 'sd-fp16');
    models['test model, fp16 inside'] = path.join(dir, 'sd-half');
    await Promise.all([
      writeTestModel(models['test model']),
      writeTestModel(models['test model, 9-channel'], { inpainting: true, unetExternalData: 'weights.pb' }),
      writeTestModel(models['test model, fp16'], { float16: true }),
      writeTestModel(models['test model, fp16 inside'], { halfPrecision: true, inpainting: true }),
    ]);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('uploads to and downloads from GPU memory exactly (fp32 and fp16)', async () => {
    const device = new DeviceTensors();
    try {
      const values = Float32Array.from({ length: 2 * 77 * 16 }, (_, i) => Math.sin(i) * 100);
      for (const tensor of [new Tensor('float32', values, [2, 77, 16]), float16Tensor(values, [2, 77, 16])]) {
        const gpu = await device.upload(tensor);
        expect([gpu.location, gpu.type, gpu.dims]).toEqual(['gpu-buffer', tensor.type, [2, 77, 16]]);
        const back = await device.download(gpu);
        expect(back.location).toBe('cpu');
        expect(Array.from(readFloats(back, 'back'))).toEqual(Array.from(readFloats(tensor, 'sent')));
        gpu.dispose();
      }
    } finally {
      await device.release();
    }
  });

  it.each([
    'easel-tiny',
    'test model',
    'test model, 9-channel',
    'test model, fp16',
    'test model, fp16 inside',
  ])(
    'every graph of %s agrees with the CPU provider',
    async (model) => {
      const lines: string[] = [];
      for (const graph of GRAPHS) {
        const t0 = performance.now();
        const { diff, scale, log } = await compareGraph(path.join(models[model], graph, 'model.onnx'), graph);
        const seconds = ((performance.now() - t0) / 1000).toFixed(1);
        const padded = log.length ? ', padded' : '';
        lines.push(`${graph} ${diff.toExponential(2)} (of ${scale.toFixed(2)}${padded}, ${seconds} s)`);
        // fp16 boundaries round to 2^-11 relative; fp16 inside compounds that over the graph's ops.
        const tolerance = model.endsWith('fp16 inside') ? 3e-2 : model.includes('fp16') ? 4e-3 : 1e-4;
        expect(diff / Math.max(scale, 1), `${model} ${graph}`).toBeLessThan(tolerance);
        if (graph === 'unet' && !['test model', 'test model, fp16'].includes(model)) {
          expect(log.join('\n'), 'the 6- and 9-channel conv_in are padded').toMatch(/zero-padded .*→(8|12)/);
        }
      }
      console.log(`webgpu vs cpu, max abs diff per graph, ${model}: ${lines.join(', ')}`);
    },
    120_000,
  );

  it.each([
    ['easel-tiny', { prompt: 'a large red circle on the left on a blue background', steps: 3, seed: 3 }],
    ['test model, 9-channel', { prompt: 'a red square', steps: 3, seed: 7 }],
    ['test model, fp16', { prompt: 'a red square', steps: 3, seed: 7 }],
    ['test model, fp16 inside', { prompt: 'a red square', steps: 3, seed: 7 }],
  ] as Array<[string, GenerationRequest]>)(
    'a whole %s picture is within a few levels of the CPU provider’s',
    async (model, request) => {
      const run = async (providers: string[]): Promise<Uint8Array> => {
        const sd = await StableDiffusionPipeline.fromModelDir(models[model], {
          executionProviders: providers,
        });
        try {
          const result = await sd.run({ ...request, width: 64, height: 64, sampler: 'euler' });
          return result.images[0].png;
        } finally {
          await sd.release();
        }
      };
      const levels = await maxLevelDiff(await run(['cpu']), await run(['webgpu']));
      console.log(`webgpu vs cpu, ${model} 64×64 ${request.steps} steps: max ${levels}/255`);
      // fp16 arithmetic itself differs: the CPU provider computes many fp16 ops in fp32, the GPU in fp16.
      expect(levels).toBeLessThanOrEqual(model.endsWith('fp16 inside') ? 8 : 3);
    },
    120_000,
  );
});
