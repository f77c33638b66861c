/**
 * npm run bench:worker-batch — does a worker gain from running N compatible jobs as one UNet batch?
 * On the generated test model, N jobs with different prompts and seeds: N separate pipeline runs (WORKER_BATCH=1)
 * vs the worker's cross-job batch (runTextToImageBatch, WORKER_BATCH=N). Prints images/s for both.
 *   BENCH_MODEL=tiny|bench BENCH_SIZE=256 BENCH_STEPS=20 BENCH_N=4 BENCH_ROUNDS=3
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StableDiffusionPipeline, writeTestModel, type GenerationRequest } from '@easel/diffusion';
import { runTextToImageBatch } from '../apps/gpu-worker/src/batching/text-to-image-batch.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const MODEL = process.env.BENCH_MODEL === 'tiny' ? 'tiny' : 'bench';
const SIZE = env('BENCH_SIZE', 256);
const STEPS = env('BENCH_STEPS', 20);
const N = env('BENCH_N', 4);
const ROUNDS = env('BENCH_ROUNDS', 3);

const dir = await mkdtemp(path.join(tmpdir(), 'easel-bench-batch-'));
try {
  await writeTestModel(dir, { size: MODEL });
  const pipeline = await StableDiffusionPipeline.fromModelDir(dir, { modelName: 'bench' });
  const shape = { width: SIZE, height: SIZE, steps: STEPS, cfgScale: 7, sampler: 'euler' };
  const base: GenerationRequest = { ...shape, negativePrompt: 'blurry' };
  const prompts = Array.from({ length: N }, (_, i) => `a lighthouse at dusk, number ${i}`);
  const signal = new AbortController().signal;
  await pipeline.run({ ...base, prompt: 'warm-up', steps: 2, seed: 1 });

  const rates = { sequential: [] as number[], batched: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so a load change on this shared machine does not favour one side.
    const order =
      round % 2 === 0 ? (['sequential', 'batched'] as const) : (['batched', 'sequential'] as const);
    for (const kind of order) {
      const t0 = performance.now();
      if (kind === 'sequential') {
        for (let i = 0; i < N; i++) await pipeline.run({ ...base, prompt: prompts[i], seed: 100 + i });
      } else {
        const jobs = prompts.map((prompt, i) => ({
          prompt,
          negativePrompt: 'blurry',
          seed: 100 + i,
          signal,
          onProgress: () => undefined,
        }));
        await runTextToImageBatch(pipeline, 'bench', shape, jobs);
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
    `batch 1 (N separate jobs): ${seq.toFixed(2)} images/s  [${rates.sequential.map((r) => r.toFixed(2)).join(', ')}]`,
  );
  console.log(
    `batch ${N} (one cross-job UNet batch): ${bat.toFixed(2)} images/s  [${rates.batched.map((r) => r.toFixed(2)).join(', ')}]`,
  );
  console.log(`speed-up: ${(bat / seq).toFixed(2)}x`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
