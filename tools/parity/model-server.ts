/**
 * The ONNX half of the parity reference harness (tools/parity): serves one model folder's graphs to the Python
 * reference pipeline over stdin/stdout, so that Python runs diffusers' pipeline logic (RNG, schedulers, image
 * processing) while the networks run in the same onnxruntime-node sessions Easel uses.
 *
 * Frames, both ways: u32 LE header length, JSON header, then the float32 LE tensors the header lists in
 * `tensors` (name → shape), back to back in that order. Requests: {op, ...}; replies: {ok: true, ...} or
 * {ok: false, error}. Ops: info, tokenize {text}, encode_text {ids, batch}, unet {t, shape} + sample, hidden,
 * vae_encode {shape} + image, vae_decode {shape} + latents.
 *
 *   node --conditions=@easel/source --import ./tools/db/register.mjs tools/parity/model-server.ts <model folder>
 */
import { SdModel } from '@easel/diffusion';

type Shape4 = [number, number, number, number];

interface Request {
  op: string;
  text?: string;
  ids?: number[];
  batch?: number;
  t?: number;
  shape?: Shape4;
  tensors?: Record<string, number[]>;
}

interface Reply {
  [key: string]: unknown;
  tensors?: Record<string, number[]>;
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: model-server.ts <model folder>\n');
  process.exit(2);
}
const model = await SdModel.load(dir, { intraOpNumThreads: 1 });

async function handle(req: Request, inputs: Map<string, Float32Array>): Promise<[Reply, Float32Array[]]> {
  switch (req.op) {
    case 'info':
      return [
        {
          unetInChannels: model.unetInChannels,
          latentChannels: model.latentChannels,
          vaeScaleFactor: model.vaeScaleFactor,
          vaeScalingFactor: model.vaeScalingFactor,
          nativeSize: model.nativeSize,
        },
        [],
      ];
    case 'tokenize':
      return [{ ids: model.tokenizer.encode(req.text ?? '') }, []];
    case 'encode_text': {
      const batch = req.batch ?? 1;
      const hidden = await model.encodeText(Int32Array.from(req.ids ?? []), batch);
      return [{ tensors: { hidden: [batch, 77, model.textHiddenSize] } }, [hidden]];
    }
    case 'unet': {
      const shape = req.shape!;
      const out = await model.predictNoise(
        need(inputs, 'sample'),
        shape,
        req.t!,
        need(inputs, 'hidden'),
        shape[0],
      );
      return [{ tensors: { noise: [shape[0], model.latentChannels, shape[2], shape[3]] } }, [out]];
    }
    case 'vae_encode': {
      const { mean, logvar, shape } = await model.encode(need(inputs, 'image'), req.shape!);
      if (!logvar)
        throw new Error('this vae_encoder samples inside its graph; the harness needs latent_parameters');
      return [{ tensors: { mean: shape, logvar: shape } }, [mean, logvar]];
    }
    case 'vae_decode': {
      const [b, , h, w] = req.shape!;
      const image = await model.decode(need(inputs, 'latents'), req.shape!);
      const f = model.vaeScaleFactor;
      return [{ tensors: { image: [b, 3, h * f, w * f] } }, [image]];
    }
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

function need(inputs: Map<string, Float32Array>, name: string): Float32Array {
  const t = inputs.get(name);
  if (!t) throw new Error(`missing tensor ${name}`);
  return t;
}

/** Reads exactly n bytes from stdin (null at end of input). */
function makeReader(): (n: number) => Promise<Buffer | null> {
  let buffered = Buffer.alloc(0);
  let ended = false;
  let wake: (() => void) | null = null;
  process.stdin.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake?.();
  });
  process.stdin.on('end', () => {
    ended = true;
    wake?.();
  });
  return async (n) => {
    while (buffered.length < n) {
      if (ended) return null;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    return out;
  };
}

function writeFrame(header: Reply, tensors: Float32Array[]): void {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  process.stdout.write(
    Buffer.concat([length, json, ...tensors.map((t) => Buffer.from(t.buffer, t.byteOffset, t.byteLength))]),
  );
}

const read = makeReader();
for (;;) {
  const len = await read(4);
  if (!len) break;
  const req = JSON.parse((await read(len.readUInt32LE()))!.toString('utf8')) as Request;
  const inputs = new Map<string, Float32Array>();
  for (const [name, shape] of Object.entries(req.tensors ?? {})) {
    const bytes = (await read(4 * shape.reduce((a, b) => a * b, 1)))!;
    // Copy: the Buffer's offset into its pool need not be 4-byte aligned.
    inputs.set(name, new Float32Array(new Uint8Array(bytes).buffer));
  }
  try {
    const [reply, tensors] = await handle(req, inputs);
    writeFrame({ ok: true, ...reply }, tensors);
  } catch (err) {
    writeFrame({ ok: false, error: err instanceof Error ? err.message : String(err) }, []);
  }
}
await model.release();
