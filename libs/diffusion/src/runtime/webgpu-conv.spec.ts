// ORT's WebGPU Conv fault, reproduced on one Conv, and the two workarounds. When "the fault is still there" fails,
// the runtime was fixed: then webgpu-model.ts's rewrite can go (keep the conformance suite).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemDepsReady, VULKAN_FOR_WEBGPU } from '../../../../test/support/system-deps.js';
import { attr, DataType, GraphBuilder, writeModel } from '../onnx/index.js';
import { probeWebGpu, webgpuConvFault } from './index.js';
import { prepareWebGpuModel } from './webgpu-model.js';

describe('webgpuConvFault', () => {
  it('chooses input channels per group that are a multiple of 3, not of 4, above 3', () => {
    const conv = (inChannels: number, group = 1) => webgpuConvFault({ inChannels, group });
    expect([6, 9, 15, 18, 30].map((c) => conv(c))).toEqual([true, true, true, true, true]);
    expect([3, 4, 5, 7, 8, 10, 12, 24].map((c) => conv(c))).toEqual(Array(8).fill(false));
    expect(conv(18, 3)).toBe(true);
    expect(conv(12, 2)).toBe(true); // 6 per group
    expect(conv(24, 2)).toBe(false);
  });
});

const ready = systemDepsReady('WebGPU Conv reproduction', [VULKAN_FOR_WEBGPU]);

describe.skipIf(!ready)('WebGPU Conv on one node (lavapipe in CI)', () => {
  let dir: string;
  const x = new Tensor(
    'float32',
    Float32Array.from({ length: 2 * 9 * 12 * 12 }, (_, i) => Math.cos(i * 0.37)),
    [2, 9, 12, 12],
  );

  async function convModel(cin: number, cout: number, k: number, pad = 1): Promise<string> {
    const g = new GraphBuilder('conv');
    const input = g.input('x', DataType.FLOAT, [2, cin, 12, 12]);
    const w = g.initializer(
      'w',
      Float32Array.from({ length: cout * cin * k * k }, (_, i) => Math.sin(i * 0.71)),
      [cout, cin, k, k],
    );
    g.op('Conv', [input, w], { pads: attr.ints([pad, pad, pad, pad]) }, 'y');
    g.output('y', DataType.FLOAT, [2, cout, 13 + 2 * pad - k, 13 + 2 * pad - k]);
    const file = path.join(dir, `conv-${cin}-${cout}-${k}-${pad}.onnx`);
    await writeModel(file, g.toModel());
    return file;
  }

  /** Max |webgpu − cpu| / max |cpu| for one Conv, its input the first cin channels of x. */
  async function relativeError(
    file: string,
    cin: number,
    webgpu: Record<string, string> = {},
    source?: Uint8Array,
    extra?: Record<string, unknown>,
  ): Promise<number> {
    const feed = {
      x: new Tensor('float32', x.data.slice(0, 2 * cin * 144), [2, cin, 12, 12]),
    };
    const cpu = await InferenceSession.create(file, { executionProviders: ['cpu'] });
    const gpu = source
      ? await InferenceSession.create(source, { executionProviders: [{ name: 'webgpu', ...webgpu }], extra })
      : await InferenceSession.create(file, { executionProviders: [{ name: 'webgpu', ...webgpu }] });
    const want = (await cpu.run(feed)).y.data as Float32Array;
    const got = (await gpu.run(feed)).y.data as Float32Array;
    await Promise.all([cpu.release(), gpu.release()]);
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < want.length; i++) {
      diff = Math.max(diff, Math.abs(got[i] - want[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    return diff / scale;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'easel-webgpu-conv-'));
    const adapter = await probeWebGpu();
    if (!adapter.ok) throw new Error(`WebGPU adapter: ${adapter.reason}`);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the fault is still there: 6 and 9 input channels, NHWC (fails once ONNX Runtime is fixed)', async () => {
    for (const [cin, cout, k, pad] of [
      [6, 8, 3, 1],
      [9, 16, 3, 0],
      [9, 4, 2, 0],
      [9, 8, 1, 1],
    ]) {
      const error = await relativeError(await convModel(cin, cout, k, pad), cin);
      expect(error, `${cin}→${cout} ${k}×${k} pad ${pad}: fixed? then drop the rewrite`).toBeGreaterThan(0.1);
    }
  });

  it('shapes outside the fault are exact: 8 or 4 channels, 6 output channels, an unpadded 1×1 kernel', async () => {
    for (const [cin, cout, k, pad] of [
      [8, 8, 3, 1],
      [4, 8, 3, 1],
      [9, 6, 3, 1],
      [9, 16, 1, 0],
    ]) {
      const error = await relativeError(await convModel(cin, cout, k, pad), cin);
      expect(error, `${cin}→${cout} ${k}×${k} pad ${pad}`).toBeLessThan(1e-5);
    }
  });

  it('both workarounds are exact: NCHW layout, and the zero-padded rewrite', async () => {
    const file = await convModel(9, 16, 3);
    expect(await relativeError(file, 9, { preferredLayout: 'NCHW' })).toBeLessThan(1e-5);
    const model = await prepareWebGpuModel('conv', file, [{ name: 'webgpu' }]);
    expect(model.source).toBeInstanceOf(Uint8Array);
    expect(await relativeError(file, 9, {}, model.source as Uint8Array, model.extra)).toBeLessThan(1e-5);
  });
});
