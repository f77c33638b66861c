// tools/parity/model-server.ts, the ONNX half of the reference harness: its frames carry exactly what SdModel gives.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdModel } from '@easel/diffusion';
import { PARITY_DIR } from './parity-cases.js';

const MODEL = path.join(PARITY_DIR, 'tiny-sd');
const REPO = path.resolve(import.meta.dirname, '../..');

let server: ChildProcessWithoutNullStreams;
let model: SdModel;
let pending = Buffer.alloc(0);
let waiting: (() => void) | null = null;

async function readBytes(n: number): Promise<Buffer> {
  while (pending.length < n) await new Promise<void>((resolve) => (waiting = resolve));
  const out = pending.subarray(0, n);
  pending = pending.subarray(n);
  return out;
}

async function call(
  header: Record<string, unknown>,
  tensors: Record<string, { shape: number[]; data: Float32Array }> = {},
): Promise<{ reply: Record<string, unknown>; out: Record<string, Float32Array> }> {
  const json = Buffer.from(
    JSON.stringify({
      ...header,
      tensors: Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, v.shape])),
    }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  server.stdin.write(
    Buffer.concat([
      length,
      json,
      ...Object.values(tensors).map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)),
    ]),
  );
  const reply = JSON.parse((await readBytes((await readBytes(4)).readUInt32LE())).toString()) as Record<
    string,
    unknown
  >;
  const out: Record<string, Float32Array> = {};
  for (const [name, shape] of Object.entries((reply.tensors ?? {}) as Record<string, number[]>)) {
    const bytes = await readBytes(4 * shape.reduce((a, b) => a * b, 1));
    out[name] = new Float32Array(new Uint8Array(bytes).buffer);
  }
  return { reply, out };
}

beforeAll(async () => {
  server = spawn(
    process.execPath,
    [
      '--conditions=@easel/source',
      '--import',
      './tools/db/register.mjs',
      'tools/parity/model-server.ts',
      MODEL,
    ],
    { cwd: REPO },
  );
  server.stdout.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    waiting?.();
  });
  model = await SdModel.load(MODEL, { intraOpNumThreads: 1 });
});
afterAll(async () => {
  server.stdin.end();
  await model.release();
});

describe('parity model server', () => {
  it('answers info, tokenize, encode_text and unet with what SdModel computes', async () => {
    const { reply: info } = await call({ op: 'info' });
    expect(info).toMatchObject({ ok: true, unetInChannels: 4, latentChannels: 4, vaeScaleFactor: 8 });

    const { reply: tokens } = await call({ op: 'tokenize', text: 'a red sofa' });
    expect(tokens.ids).toEqual(model.tokenizer.encode('a red sofa'));

    const ids = tokens.ids as number[];
    const { out: text } = await call({ op: 'encode_text', ids, batch: 1 });
    const hidden = await model.encodeText(Int32Array.from(ids), 1);
    expect(text.hidden).toEqual(hidden);

    const sample = Float32Array.from({ length: 4 * 16 * 16 }, (_, i) => Math.sin(i));
    const { out: unet } = await call(
      { op: 'unet', t: 946.4210815429688, shape: [1, 4, 16, 16] },
      { sample: { shape: [1, 4, 16, 16], data: sample }, hidden: { shape: [1, 77, 32], data: hidden } },
    );
    expect(unet.noise).toEqual(
      await model.predictNoise(sample, [1, 4, 16, 16], 946.4210815429688, hidden, 1),
    );
  });

  it('returns a failed frame, not a crash, for a bad request', async () => {
    const { reply } = await call({ op: 'nonsense' });
    expect(reply).toEqual({ ok: false, error: 'unknown op nonsense' });
    expect((await call({ op: 'info' })).reply.ok).toBe(true);
  });
});
