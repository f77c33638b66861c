/**
 * The worker in this process (real Redis, real ONNX Runtime on the generated test model, fs storage in a temp
 * dir): a job becomes PNGs in storage and a valid result; progress arrives; invalid and canceled jobs fail for
 * good; the engine registry entry appears and disappears; health and metrics answer.
 */
import { randomUUID } from 'node:crypto';
import {
  CANCEL_CHANNEL,
  CANCELED_KEY_PREFIX,
  ENGINE_REGISTRY_KEY,
  EngineRegistryEntry,
  GenerationJobProgress,
  GenerationJobResult,
} from '@easel/contracts';
import type { Job } from 'bullmq';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../apps/gpu-worker/src/config.js';
import { GpuWorker } from '../../apps/gpu-worker/src/gpu-worker.js';
import { createTestEnv, enqueue, payload, waitFor, type TestEnv } from './worker-harness.js';

let env: TestEnv;
let worker: GpuWorker;
let stopped = false;

beforeAll(async () => {
  env = await createTestEnv();
  worker = new GpuWorker(
    loadConfig(env.workerEnv({ WORKER_ID: `in-process-${env.engineId}` })),
    pino({ level: 'silent' }),
  );
  await worker.start();
});

afterAll(async () => {
  if (!stopped) await worker?.shutdown(5000);
  await env?.cleanup();
});

/** Resolves with the failed job once it has failed for good (no attempts left or unrecoverable). */
async function failed(id: string): Promise<Job> {
  return waitFor(async () => {
    // State first, then the job: a job read before it failed has no failedReason.
    if ((await env.queue.getJobState(id)) !== 'failed') return undefined;
    return env.queue.getJob(id);
  });
}

describe('gpu worker (in process)', () => {
  it('turns a job into PNGs in storage and returns a valid result, reporting progress', async () => {
    const data = payload(env, { samples: 2, steps: 6, seed: 7, width: 64, height: 128 });
    const progress: GenerationJobProgress[] = [];
    const onProgress = ({ jobId, data: p }: { jobId: string; data: unknown }): void => {
      if (jobId === data.generationId) progress.push(GenerationJobProgress.parse(p));
    };
    env.events.on('progress', onProgress);
    const job = await enqueue(env, data, data.generationId);
    const result = GenerationJobResult.parse(await job.waitUntilFinished(env.events, 30_000));
    env.events.off('progress', onProgress);

    expect(result.generationId).toBe(data.generationId);
    expect(result.workerId).toBe(`in-process-${env.engineId}`);
    expect(result.artifacts.map((a) => [a.index, a.seed, a.key])).toEqual([
      [0, 7, `generations/${data.generationId}/0.png`],
      [1, 8, `generations/${data.generationId}/1.png`],
    ]);
    for (const artifact of result.artifacts) {
      const stored = await env.store.get(artifact.key);
      expect(stored?.contentType).toBe('image/png');
      const bytes = stored!.bytes;
      expect(bytes.byteLength).toBe(artifact.bytes);
      const meta = await sharp(bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 64, 128]);
    }
    expect(result.pipelineMs).toBeGreaterThan(0);
    // Both samples run as one UNet batch. The last step always arrives; others at most one per 200 ms.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ step: 6, total: 6, startedAt: result.startedAt });
    expect(progress.map((p) => p.step)).toEqual([...progress.map((p) => p.step)].sort((a, b) => a - b));
  });

  it('sends a small latent preview with progress when the payload asks for one', async () => {
    const data = payload(env, { preview: true, width: 128, height: 128 });
    const previews: string[] = [];
    const onProgress = ({ jobId, data: p }: { jobId: string; data: unknown }): void => {
      const progress = GenerationJobProgress.parse(p);
      if (jobId === data.generationId && progress.preview) previews.push(progress.preview);
    };
    env.events.on('progress', onProgress);
    const job = await enqueue(env, data, data.generationId);
    await job.waitUntilFinished(env.events, 30_000);
    env.events.off('progress', onProgress);
    expect(previews.length).toBeGreaterThan(0);
    const meta = await sharp(Buffer.from(previews[0], 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 16, 16]);
  });

  it('gives the same bytes for the same seed (a retry on another worker is identical)', async () => {
    const a = payload(env, { seed: 1234 });
    const b = payload(env, { seed: 1234 });
    const [ra, rb] = await Promise.all(
      [a, b].map(async (p) =>
        GenerationJobResult.parse(
          await (await enqueue(env, p, p.generationId)).waitUntilFinished(env.events, 30_000),
        ),
      ),
    );
    const [ba, bb] = await Promise.all([ra, rb].map((r) => env.store.get(r.artifacts[0].key)));
    expect(Buffer.compare(ba!.bytes, bb!.bytes)).toBe(0);
  });

  it('runs image-to-image from an init image in storage', async () => {
    const data = payload(env, { mode: 'image-to-image', strength: 0.5, width: 64, height: 64 });
    const initKey = `inputs/${data.generationId}/init.png`;
    const init = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
    await env.store.put(initKey, init, { contentType: 'image/png' });
    const job = await enqueue(env, { ...data, initImageKey: initKey }, data.generationId);
    const result = GenerationJobResult.parse(await job.waitUntilFinished(env.events, 30_000));
    expect(result.artifacts).toHaveLength(1);
    const meta = await sharp((await env.store.get(result.artifacts[0].key))!.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([64, 64]);
  });

  it('uploads every interpolation frame and the animation', async () => {
    const data = payload(env, { mode: 'interpolate', interpolation: { frames: 3, toSeed: 99 } });
    const job = await enqueue(env, data, data.generationId);
    const result = GenerationJobResult.parse(await job.waitUntilFinished(env.events, 30_000));
    expect(result.artifacts.map((a) => a.key)).toEqual([0, 1, 2].map((i) => `${data.outputPrefix}${i}.png`));
    expect(result.animation).toMatchObject({
      key: `${data.outputPrefix}animation.webp`,
      contentType: 'image/webp',
    });
    const webp = await env.store.get(result.animation!.key);
    expect(webp?.contentType).toBe('image/webp');
    const meta = await sharp(webp!.bytes, { animated: true }).metadata();
    expect([meta.format, meta.pages]).toEqual(['webp', 3]);
  });

  it('fails an invalid payload at once, without retries', async () => {
    const id = randomUUID();
    await enqueue(env, { ...payload(env, { generationId: id }), steps: -1 }, id, 3);
    const job = await failed(id);
    expect(job.failedReason).toMatch(/^invalid_request: /);
    expect(job.failedReason).toContain('steps');
    expect(job.attemptsMade).toBe(1);
  });

  it('fails a pipeline input error (a mask of another size) as invalid_request, without retries', async () => {
    const id = randomUUID();
    const square = (size: number) =>
      sharp({ create: { width: size, height: size, channels: 3, background: '#fff' } })
        .png()
        .toBuffer();
    await env.store.put(`inputs/${id}/init.png`, await square(64), { contentType: 'image/png' });
    await env.store.put(`inputs/${id}/mask.png`, await square(128), { contentType: 'image/png' });
    const data = payload(env, {
      generationId: id,
      mode: 'inpaint',
      initImageKey: `inputs/${id}/init.png`,
      maskImageKey: `inputs/${id}/mask.png`,
    });
    await enqueue(env, data, id, 3);
    const job = await failed(id);
    expect(job.failedReason).toMatch(/^invalid_request: .*mask/i);
    expect(job.attemptsMade).toBe(1);
  });

  it('skips a job canceled before it started', async () => {
    const data = payload(env);
    await env.redis.set(`${CANCELED_KEY_PREFIX}${data.generationId}`, '1', 'EX', 60);
    await enqueue(env, data, data.generationId, 3);
    const job = await failed(data.generationId);
    expect(job.failedReason).toMatch(/^canceled: /);
    expect(job.attemptsMade).toBe(1);
    await expect(env.redis.exists(`${CANCELED_KEY_PREFIX}${data.generationId}`)).resolves.toBe(1);
    await env.redis.del(`${CANCELED_KEY_PREFIX}${data.generationId}`);
  });

  it('stops a running job within a step when a cancel is published', async () => {
    const data = payload(env, { width: 256, height: 256, steps: 150, sampler: 'euler' });
    let lastStep = 0;
    const started = new Promise<void>((resolve) => {
      env.events.on('progress', ({ jobId, data: p }) => {
        if (jobId !== data.generationId) return;
        lastStep = GenerationJobProgress.parse(p).step;
        resolve();
      });
    });
    await enqueue(env, data, data.generationId, 3);
    await started;
    const stepAtCancel = lastStep;
    await env.redis.publish(CANCEL_CHANNEL, data.generationId);
    const job = await failed(data.generationId);
    expect(job.failedReason).toMatch(/^canceled: generation canceled after \d+ step/);
    const stoppedAt = Number(/after (\d+) step/.exec(job.failedReason)![1]);
    // Stopped long before the end; the pipeline checks the signal before every step.
    expect(stoppedAt).toBeGreaterThanOrEqual(stepAtCancel);
    expect(stoppedAt).toBeLessThan(150);
    expect(job.attemptsMade).toBe(1);
    await expect(env.store.list(data.outputPrefix)).resolves.toEqual([]);
  });

  it('serves health and Prometheus metrics', async () => {
    const base = `http://127.0.0.1:${worker.healthPort}`;
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { engines: true, redis: true } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`easel_worker_jobs_completed_total\\{engine="${env.engineId}"\\} 6`));
    expect(metrics).toContain(`easel_worker_jobs_failed_total{engine="${env.engineId}",code="canceled"} 2`);
    expect(metrics).toContain(
      `easel_worker_jobs_failed_total{engine="${env.engineId}",code="invalid_request"} 2`,
    );
    expect(metrics).toMatch(
      new RegExp(`easel_worker_pipeline_seconds_count\\{engine="${env.engineId}"\\} 6`),
    );
    expect(metrics).toMatch(/easel_worker_busy\{worker="[^"]+"\} 0/);
  });

  it('publishes its engine in the registry while it runs and withdraws it on shutdown', async () => {
    const raw = await env.redis.hget(ENGINE_REGISTRY_KEY, env.engineId);
    const entry = EngineRegistryEntry.parse(JSON.parse(raw!));
    expect(entry).toMatchObject({
      id: env.engineId,
      name: 'Test model',
      nativeWidth: 64,
      defaultSteps: 4,
      maxSize: 512,
    });
    expect(entry.expiresAt).toBeGreaterThan(Date.now());
    expect(entry.expiresAt).toBeLessThanOrEqual(Date.now() + 3000);

    const result = await worker.shutdown(5000);
    stopped = true;
    expect(result.timedOut).toBe(false);
    await expect(env.redis.hget(ENGINE_REGISTRY_KEY, env.engineId)).resolves.toBeNull();
  });
});
