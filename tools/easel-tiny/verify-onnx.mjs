/* global performance */
// Runs the exported easel-tiny graphs with onnxruntime-node on the inputs recorded in reference.json
// and prints the max abs difference from PyTorch's outputs.
// Usage (from the repository root): node tools/easel-tiny/verify-onnx.mjs [models/easel-tiny]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';

const dir = process.argv[2] ?? 'models/easel-tiny';
const ref = JSON.parse(readFileSync(path.join(dir, 'reference.json'), 'utf8'));

function maxDiff(a, b) {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function run(name, feeds) {
  const session = await ort.InferenceSession.create(path.join(dir, name, 'model.onnx'));
  const t0 = performance.now();
  const out = await session.run(feeds);
  return { out, ms: performance.now() - t0, inputs: session.inputNames, outputs: session.outputNames };
}

const te = ref.text_encoder;
const ids = new ort.Tensor('int32', Int32Array.from(te.input_ids), te.shape);
const r1 = await run('text_encoder', { input_ids: ids });
const hidden = r1.out.last_hidden_state;
console.log(
  'text_encoder',
  r1.inputs,
  r1.outputs,
  hidden.dims,
  'max diff',
  maxDiff(hidden.data, te.last_hidden_state),
  maxDiff(r1.out.pooler_output.data, te.pooler_output),
);

const u = ref.unet;
const r2 = await run('unet', {
  sample: new ort.Tensor('float32', Float32Array.from(u.sample), u.shape),
  timestep: new ort.Tensor('int64', BigInt64Array.from([BigInt(u.timestep)]), [1]),
  encoder_hidden_states: hidden,
});
console.log(
  'unet',
  r2.inputs,
  r2.outputs,
  r2.out.out_sample.dims,
  'max diff',
  maxDiff(r2.out.out_sample.data, u.out_sample),
  `${r2.ms.toFixed(1)} ms`,
);

const d = ref.vae_decoder;
const r3 = await run('vae_decoder', {
  latent_sample: new ort.Tensor('float32', Float32Array.from(d.latent_sample), [1, 4, 8, 8]),
});
console.log('vae_decoder', r3.out.sample.dims, 'max diff', maxDiff(r3.out.sample.data, d.sample));

const e = ref.vae_encoder;
const r4 = await run('vae_encoder', {
  sample: new ort.Tensor('float32', Float32Array.from(e.sample), [1, 3, 64, 64]),
});
console.log(
  'vae_encoder',
  r4.out.latent_parameters.dims,
  'max diff',
  maxDiff(r4.out.latent_parameters.data, e.latent_parameters),
);
