import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, DataType, encodeModel, GraphBuilder, ProtoWriter, writeModel } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'easel-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ProtoWriter', () => {
  it('encodes varints, negatives as 10 bytes, floats and nested messages', () => {
    expect(Array.from(new ProtoWriter().varint(1, 300).finish())).toEqual([0x08, 0xac, 0x02]);
    expect(Array.from(new ProtoWriter().varint(2, -1).finish())).toEqual([
      0x10,
      ...Array(9).fill(0xff),
      0x01,
    ]);
    expect(Array.from(new ProtoWriter().float(2, 1).finish())).toEqual([0x15, 0, 0, 0x80, 0x3f]);
    expect(Array.from(new ProtoWriter().message(3, (w) => w.string(1, 'hi')).finish())).toEqual([
      0x1a, 4, 0x0a, 2, 0x68, 0x69,
    ]);
    expect(() => new ProtoWriter().varint(1, 1.5)).toThrow(RangeError);
  });
});

/** y = Relu(x · W + b) with a symbolic batch. */
function linearRelu(): GraphBuilder {
  const g = new GraphBuilder('linear');
  g.input('x', DataType.FLOAT, ['batch', 2]);
  const w = g.initializer('W', Float32Array.of(1, -1, 2, 0.5), [2, 2]);
  const b = g.constFloat('b', [0, -10], [2]);
  g.op('Relu', [g.op('Add', [g.op('MatMul', ['x', w]), b])], {}, 'y');
  g.output('y', DataType.FLOAT, ['batch', 2]);
  return g;
}

describe('GraphBuilder', () => {
  it('rejects wiring mistakes and opsets over 17', () => {
    const g = new GraphBuilder('bad');
    g.input('x', DataType.FLOAT, [1]);
    expect(() => g.op('Relu', ['y'])).toThrow(/reads "y" before it is produced/);
    expect(() => g.input('x', DataType.FLOAT, [1])).toThrow(/defined twice/);
    expect(() => g.build()).toThrow(/no outputs/);
    expect(() => linearRelu().toModel({ opset: 18 })).toThrow(RangeError);
    expect(() => g.initializer('w', new Float32Array(3), [2, 2])).toThrow(/3 values/);
  });

  it('writes a model ONNX Runtime runs, with symbolic dims and attributes', async () => {
    const file = path.join(dir, 'linear.onnx');
    await writeModel(file, linearRelu().toModel({ metadata: { purpose: 'test' } }));
    const s = await InferenceSession.create(file);
    expect(s.inputMetadata[0]).toMatchObject({ name: 'x', type: 'float32', shape: ['batch', 2] });
    const out = await s.run({ x: new Tensor('float32', Float32Array.of(1, 2, 3, 4), [2, 2]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([5, 0, 11, 0]);
    await s.release();

    const t = new GraphBuilder('transpose');
    t.input('x', DataType.FLOAT, [2, 3]);
    t.op('Transpose', ['x'], { perm: attr.ints([1, 0]) }, 'y');
    t.op('LeakyRelu', ['y'], { alpha: attr.float(0.5) }, 'z');
    t.output('z', DataType.FLOAT, [3, 2]);
    const bytes = encodeModel(t.toModel());
    const s2 = await InferenceSession.create(bytes);
    const r = await s2.run({ x: new Tensor('float32', Float32Array.of(1, -2, 3, 4, 5, -6), [2, 3]) });
    expect(Array.from(r.z.data as Float32Array)).toEqual([1, 4, -1, 5, 3, -3]);
    await s2.release();
  });

  it('moves large initializers into an external data file ORT resolves beside the model', async () => {
    const g = new GraphBuilder('ext');
    g.input('x', DataType.FLOAT, [1, 512]);
    const big = g.initializer('big', new Float32Array(512).fill(2), [1, 512]);
    g.op('Mul', ['x', big], {}, 'y');
    g.output('y', DataType.FLOAT, [1, 512]);
    const file = path.join(dir, 'ext.onnx');
    await writeModel(file, g.toModel(), { externalDataFile: 'ext.onnx_data', externalThreshold: 1024 });
    expect((await stat(path.join(dir, 'ext.onnx_data'))).size).toBe(2048);
    expect((await readFile(file)).length).toBeLessThan(1024);
    const s = await InferenceSession.create(file);
    const out = await s.run({ x: new Tensor('float32', new Float32Array(512).fill(1.5), [1, 512]) });
    expect((out.y.data as Float32Array).every((v) => v === 3)).toBe(true);
    await s.release();
  });
});
