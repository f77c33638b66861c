/**
 * npm run bench:worker-batch — would a worker gain from running N compatible jobs as one UNet batch?
 * Compares, on the generated test model, N separate runs of one image (what WORKER_BATCH=1 does) with one run of
 * N samples, which the pipeline denoises as one UNet batch (maxBatch = N). The batched run is the best case for
 * cross-job batching: same size, steps, sampler and cfg, one prompt encoding instead of N. Prints images/s.
 *   BENCH_MODEL=tiny|bench BENCH_SIZE=256 BENCH_STEPS=20 BENCH_N=4 BENCH_ROUNDS=3
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StableDiffusionPipeline, writeTestModel, type GenerationRequest } from '@easel/diffusion';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const MODEL = process.env.BENCH_MODEL === 'tiny' ? 'tiny' : 'bench';
const SIZE = env('BENCH_SIZE', 256);
const STEPS = env('BENCH_STEPS', 20);
const N = env('BENCH_N', 4);
const ROUNDS = env('BENCH_ROUNDS', 3);

const dir = await mkdtemp(path.join(tmpdir(), 'easel-bench-batch-'));
try {
  await writeTestModel(dir, { size: MODEL });
  const pipeline = await StableDiffusionPipeline.fromModelDir(dir, { limits: { maxBatch: N } });
  const base: GenerationRequest = {
    prompt: 'a lighthouse at dusk',
    negativePrompt: 'blurry',
    width: SIZE,
    height: SIZE,
    steps: STEPS,
    cfgScale: 7,
    sampler: 'euler',
  };
  await pipeline.run({ ...base, steps: 2, seed: 1 }); // warm-up

  const rates = { sequential: [] as number[], batched: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so a load change on this shared machine does not favour one side.
    const order =
      round % 2 === 0 ? (['sequential', 'batched'] as const) : (['batched', 'sequential'] as const);
    for (const kind of order) {
      const t0 = performance.now();
      if (kind === 'sequential') {
        for (let i = 0; i < N; i++) await pipeline.run({ ...base, seed: 100 + i, samples: 1 });
      } else {
        await pipeline.run({ ...base, seed: 100, samples: N });
      }
      rates[kind].push(N / ((performance.now() - t0) / 1000));
    }
  }
  await pipeline.release();
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const seq = median(rates.sequential);
  const bat = median(rates.batched);
  console.log(`model=${MODEL} ${SIZE}x${SIZE} steps=${STEPS} cfg=7 N=${N} rounds=${ROUNDS}`);
  console.log(
    `batch 1 (N separate runs): ${seq.toFixed(2)} images/s  [${rates.sequential.map((r) => r.toFixed(2)).join(', ')}]`,
  );
  console.log(
    `batch ${N} (one UNet batch): ${bat.toFixed(2)} images/s  [${rates.batched.map((r) => r.toFixed(2)).join(', ')}]`,
  );
  console.log(`speed-up: ${(bat / seq).toFixed(2)}x`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
