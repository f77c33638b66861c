import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, DataType, GraphBuilder, writeModel } from '../onnx/index.js';
import {
  availableProviders,
  float16BitsToFloat32,
  float16ToFloat32,
  float32ToFloat16,
  float32ToFloat16Bits,
  ModelError,
  OnnxSession,
  parseProvider,
  parseProviderOptions,
  resolveProviders,
  Tensor,
} from './index.js';

describe('float16 conversion', () => {
  it('encodes exact, rounded, subnormal and special values', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00); // rounds up to +Inf
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float32ToFloat16Bits(2 ** -26)).toBe(0x0000);
    expect(float32ToFloat16Bits(-0)).toBe(0x8000);
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(float32ToFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(Number.isNaN(float16BitsToFloat32(0x7e00))).toBe(true);
  });

  it('round-trips every finite half value exactly', () => {
    const bits = new Uint16Array(65536).map((_, i) => i);
    const back = float32ToFloat16(float16ToFloat32(bits));
    for (let i = 0; i < 65536; i++) {
      if ((i & 0x7c00) === 0x7c00 && i & 0x3ff) continue; // NaN payloads
      if (back[i] !== i) throw new Error(`0x${i.toString(16)} → 0x${back[i].toString(16)}`);
    }
  });

  it('matches the engine’s own Float16Array where it exists', () => {
    const F16 = (
      globalThis as {
        Float16Array?: new (a: ArrayLike<number>) => ArrayLike<number> & { buffer: ArrayBuffer };
      }
    ).Float16Array;
    if (!F16) return;
    const values = Float32Array.from({ length: 2000 }, (_, i) => Math.sinh((i - 1000) / 90) * 1.37);
    expect(Array.from(float32ToFloat16(values))).toEqual(Array.from(new Uint16Array(new F16(values).buffer)));
  });
});

describe('execution providers', () => {
  it('this build has cpu and no installed cuda', () => {
    expect(availableProviders()).toContain('cpu');
    expect(availableProviders()).not.toContain('cuda');
  });

  it('parses names, aliases and device ids', () => {
    expect(parseProvider('CUDA:1')).toEqual({ name: 'cuda', deviceId: 1 });
    expect(parseProvider('gpu')).toEqual({ name: 'cuda' });
    expect(() => parseProvider('cuda:x')).toThrow(ModelError);
  });

  it('keeps available providers in order, fails or falls back on missing ones', () => {
    const available = ['cpu', 'cuda'];
    expect(resolveProviders(['cuda:0', 'cpu'], { available }).providers).toEqual([
      { name: 'cuda', deviceId: 0 },
      'cpu',
    ]);
    expect(resolveProviders([], { available }).names).toEqual(['cpu']);
    expect(() => resolveProviders(['tensorrt'], { available })).toThrow(/tensorrt is not available/);
    const log: string[] = [];
    expect(
      resolveProviders(['tensorrt', 'cuda'], { available, fallbackToCpu: true, log: (l) => log.push(l) })
        .names,
    ).toEqual(['cuda', 'cpu']);
    expect(log).toEqual(['execution provider tensorrt unavailable; falling back to cuda, cpu']);
  });

  it('parses provider options and passes them with their provider', () => {
    const providerOptions = parseProviderOptions([
      'webgpu.preferredLayout=NCHW',
      ' webgpu.storageBufferCacheMode=simple',
      'cpu.useArena=false',
      '',
    ]);
    expect(providerOptions).toEqual({
      webgpu: { preferredLayout: 'NCHW', storageBufferCacheMode: 'simple' },
      cpu: { useArena: false },
    });
    const available = ['cpu', 'webgpu'];
    expect(resolveProviders(['webgpu', 'cpu'], { available, providerOptions }).providers).toEqual([
      { name: 'webgpu', preferredLayout: 'NCHW', storageBufferCacheMode: 'simple' },
      { name: 'cpu', useArena: false },
    ]);
    expect(resolveProviders(['webgpu'], { available }).providers).toEqual([{ name: 'webgpu' }]);
    for (const bad of ['webgpu.preferredLayout=nchw', 'webgpu.layout=NCHW', 'cuda.deviceId=1', 'webgpu']) {
      expect(() => parseProviderOptions([bad]), bad).toThrow(
        /is not one of: webgpu\.preferredLayout=NCHW\|NHWC/,
      );
    }
  });
});

describe('OnnxSession', () => {
  let dir: string;
  let session: OnnxSession;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'easel-runtime-'));
    const g = new GraphBuilder('scale');
    g.input('x', DataType.FLOAT, ['batch', 3]);
    g.input('k', DataType.INT64, [1]);
    const kf = g.op('Cast', ['k'], { to: attr.int(DataType.FLOAT) });
    g.op('Mul', ['x', kf], {}, 'y');
    g.output('y', DataType.FLOAT, ['batch', 3]);
    await writeModel(path.join(dir, 'model.onnx'), g.toModel());
    session = await OnnxSession.create('scale', path.join(dir, 'model.onnx'), { intraOpNumThreads: 1 });
  });
  afterAll(async () => {
    await session.release();
    await rm(dir, { recursive: true, force: true });
  });

  it('exposes input metadata with symbolic dims', () => {
    expect(session.input('x')).toEqual({ name: 'x', type: 'float32', shape: ['batch', 3] });
    expect(session.providers).toEqual(['cpu']);
  });

  it('runs and measures', async () => {
    const out = await session.run({
      x: new Tensor('float32', Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]),
      k: new Tensor('int64', BigInt64Array.of(3n), [1]),
    });
    expect(Array.from(out.y.data as Float32Array)).toEqual([3, 6, 9, 12, 15, 18]);
    expect(session.runs).toBe(1);
    expect(session.runMs).toBeGreaterThan(0);
  });

  it('checks names, types and fixed dims before running', async () => {
    const x = new Tensor('float32', new Float32Array(6), [2, 3]);
    const k = new Tensor('int64', BigInt64Array.of(1n), [1]);
    await expect(session.run({ x })).rejects.toThrow(/input "k" not provided/);
    await expect(session.run({ x, k, z: k })).rejects.toThrow(/unexpected input "z"/);
    await expect(session.run({ x, k: new Tensor('int32', Int32Array.of(1), [1]) })).rejects.toThrow(
      /"k" must be int64, got int32/,
    );
    await expect(session.run({ x: new Tensor('float32', new Float32Array(4), [2, 2]), k })).rejects.toThrow(
      /shape \[2,2\], the graph expects \[batch,3\]/,
    );
  });

  it('reports a missing or unparseable model file', async () => {
    await expect(OnnxSession.create('m', path.join(dir, 'none.onnx'))).rejects.toMatchObject({
      code: 'missing_file',
    });
  });
});
