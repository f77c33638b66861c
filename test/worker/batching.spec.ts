/**
 * WORKER_BATCH > 1: compatible text-to-image jobs (different prompts and seeds) run as one UNet batch, each image
 * byte-identical to its job run alone; incompatible jobs still run; canceling one job of a batch leaves the others.
 */
import {
  CANCEL_CHANNEL,
  GENERATION_JOB,
  GenerationJobProgress,
  GenerationJobResult,
  type GenerationJobPayload,
} from '@easel/contracts';
import { StableDiffusionPipeline } from '@easel/diffusion';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../apps/gpu-worker/src/config.js';
import { GpuWorker } from '../../apps/gpu-worker/src/gpu-worker.js';
import { createTestEnv, payload, waitFor, type TestEnv } from './worker-harness.js';

let env: TestEnv;
let worker: GpuWorker;
let reference: StableDiffusionPipeline;

beforeAll(async () => {
  env = await createTestEnv();
  worker = new GpuWorker(
    loadConfig(env.workerEnv({ WORKER_BATCH: '4', WORKER_BATCH_WAIT_MS: '100', WORKER_WARMUP: 'false' })),
    pino({ level: 'silent' }),
  );
  await worker.start();
  // The name easel.json gives the engine: the pipeline writes it into the PNG parameters.
  reference = await StableDiffusionPipeline.fromModelDir(env.modelDir, { modelName: 'Test model' });
});

afterAll(async () => {
  await worker?.shutdown(5000);
  await reference?.release();
  await env?.cleanup();
});

const addAll = (payloads: GenerationJobPayload[]) =>
  env.queue.addBulk(
    payloads.map((p) => ({ name: GENERATION_JOB, data: p, opts: { jobId: p.generationId, attempts: 1 } })),
  );

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${worker.healthPort}/metrics`)).text();
  const match = new RegExp(`^${name}\\{engine="${env.engineId}"\\} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

describe('cross-job UNet batching', () => {
  it('runs compatible jobs as one batch, each image identical to the job run alone', async () => {
    const shape = { width: 64, height: 128, steps: 5, sampler: 'euler_a' as const, cfgScale: 7 };
    const compatible = [
      payload(env, { ...shape, prompt: 'a red square', seed: 1 }),
      payload(env, { ...shape, prompt: '(a blue:1.3) circle', negativePrompt: 'blurry', seed: 2 }),
      payload(env, { ...shape, prompt: 'a tree', seed: 4_000_000_000 }),
    ];
    const other = payload(env, { ...shape, steps: 3, prompt: 'another shape', seed: 3 });
    const jobs = await addAll([...compatible, other]);
    const results = await Promise.all(
      jobs.map(async (job) => GenerationJobResult.parse(await job.waitUntilFinished(env.events, 30_000))),
    );

    for (const [i, p] of [...compatible, other].entries()) {
      const alone = await reference.run({
        prompt: p.prompt,
        negativePrompt: p.negativePrompt,
        width: p.width,
        height: p.height,
        steps: p.steps,
        sampler: p.sampler,
        cfgScale: p.cfgScale,
        seed: p.seed,
      });
      const stored = await env.store.get(results[i].artifacts[0].key);
      expect(Buffer.compare(stored!.bytes, Buffer.from(alone.images[0].png)), `job ${i}`).toBe(0);
      expect(results[i].artifacts[0].seed).toBe(p.seed);
    }
    // Fewer batches than jobs: at least two of the compatible ones shared a UNet batch.
    const batches = await metric('easel_worker_unet_batches_total');
    await expect(metric('easel_worker_unet_batch_jobs_total')).resolves.toBe(4);
    expect(batches).toBeLessThan(4);
    expect(batches).toBeGreaterThanOrEqual(2);
  });

  it('cancels one job of a running batch and finishes the others', async () => {
    const shape = { width: 128, height: 128, steps: 60, sampler: 'euler' as const, cfgScale: 7 };
    const [keep, cancel] = [payload(env, { ...shape, seed: 10 }), payload(env, { ...shape, seed: 11 })];
    const progressed = new Promise<void>((resolve) => {
      const listener = ({ jobId, data }: { jobId: string; data: unknown }): void => {
        if (jobId !== cancel.generationId || GenerationJobProgress.parse(data).step < 1) return;
        env.events.off('progress', listener);
        resolve();
      };
      env.events.on('progress', listener);
    });
    const [keepJob] = await addAll([keep, cancel]);
    await progressed;
    await env.redis.publish(CANCEL_CHANNEL, cancel.generationId);
    const failed = await waitFor(async () =>
      (await env.queue.getJobState(cancel.generationId)) === 'failed'
        ? env.queue.getJob(cancel.generationId)
        : undefined,
    );
    expect(failed?.failedReason).toMatch(/^canceled: generation canceled after \d+ step/);
    const result = GenerationJobResult.parse(await keepJob.waitUntilFinished(env.events, 30_000));
    expect(result.artifacts).toHaveLength(1);
  });
});
