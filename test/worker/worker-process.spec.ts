/**
 * Real worker processes (started from the sources) on one engine queue: a worker SIGKILLed mid-job loses its lock
 * and the other takes the job over (BullMQ stalled-job handling, short lock and stall check here); SIGTERM lets
 * the running job finish, takes no new one, and exits 0.
 */
import {
  ENGINE_REGISTRY_KEY,
  EngineRegistryEntry,
  engineWorkersKey,
  GenerationJobResult,
} from '@easel/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestEnv,
  enqueue,
  payload,
  spawnWorker,
  waitFor,
  type TestEnv,
  type WorkerProcess,
} from './worker-harness.js';

let env: TestEnv;
const workers = new Map<string, WorkerProcess>();

beforeAll(async () => {
  env = await createTestEnv();
  for (const id of ['a', 'b']) {
    const workerId = `${env.engineId}-${id}`;
    workers.set(workerId, spawnWorker(env.workerEnv({ WORKER_ID: workerId, SHUTDOWN_TIMEOUT_MS: '20000' })));
  }
  await Promise.all([...workers.values()].map((w) => w.ready));
}, 90_000);

afterAll(async () => {
  for (const w of workers.values())
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await env?.redis.hdel(ENGINE_REGISTRY_KEY, env.engineId);
  await env?.redis.del(`${ENGINE_REGISTRY_KEY}:workers:${env.engineId}`, engineWorkersKey(env.engineId));
  await env?.cleanup();
});

/** The worker whose log says it started this job. */
function runnerOf(jobId: string): Promise<string> {
  return waitFor(() => {
    for (const [workerId, w] of workers)
      if (w.output().includes(`"jobId":"${jobId}","engine"`)) return workerId;
    return undefined;
  }, 30_000);
}

/** Resolves on the first progress event of the job: it is in the denoising loop. */
function firstProgress(jobId: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = ({ jobId: id }: { jobId: string }): void => {
      if (id !== jobId) return;
      env.events.off('progress', listener);
      resolve();
    };
    env.events.on('progress', listener);
  });
}

describe('gpu worker processes', () => {
  it('each worker publishes the execution providers it runs for the engine listing', async () => {
    const runtime = await env.redis.hgetall(engineWorkersKey(env.engineId));
    expect(Object.keys(runtime).sort()).toEqual([...workers.keys()].sort());
    for (const text of Object.values(runtime)) {
      expect(JSON.parse(text)).toMatchObject({ executionProviders: ['cpu'] });
    }
  });

  it('hands a job of a SIGKILLed worker to another worker, which finishes it', async () => {
    const data = payload(env, { width: 256, height: 256, steps: 40, sampler: 'euler' });
    const progressed = firstProgress(data.generationId);
    const job = await enqueue(env, data, data.generationId);
    await progressed;
    const victim = await runnerOf(data.generationId);
    const survivor = [...workers.keys()].find((id) => id !== victim)!;
    workers.get(victim)!.child.kill('SIGKILL');
    await workers.get(victim)!.exited;

    const result = GenerationJobResult.parse(await job.waitUntilFinished(env.events, 45_000));
    expect(result.workerId).toBe(survivor);
    expect(result.artifacts).toHaveLength(1);
    await expect(env.store.head(result.artifacts[0].key)).resolves.toMatchObject({
      contentType: 'image/png',
    });
    const finished = await env.queue.getJob(data.generationId);
    expect(finished?.stalledCounter).toBe(1);
    workers.delete(victim);
  }, 60_000);

  it('finishes the running job on SIGTERM, takes no new one, and exits 0', async () => {
    const [[workerId, worker]] = [...workers];
    const running = payload(env, { width: 256, height: 256, steps: 20, sampler: 'euler' });
    const progressed = firstProgress(running.generationId);
    const job = await enqueue(env, running, running.generationId);
    await progressed;
    worker.child.kill('SIGTERM');
    await waitFor(() => worker.output().includes('shutting down: taking no new jobs'));
    const later = payload(env);
    await enqueue(env, later, later.generationId);

    const result = GenerationJobResult.parse(await job.waitUntilFinished(env.events, 30_000));
    expect(result.workerId).toBe(workerId);
    await expect(worker.exited).resolves.toBe(0);
    expect(worker.output()).toContain('"timedOut":false');
    await expect(env.queue.getJobState(later.generationId)).resolves.toBe('waiting');
    // No live worker serves the engine any more: the entry is gone, or expired if the SIGKILLed worker's heartbeat
    // was still within its TTL when this one withdrew (the API lists only unexpired entries).
    await waitFor(async () => {
      const raw = await env.redis.hget(ENGINE_REGISTRY_KEY, env.engineId);
      return raw === null || EngineRegistryEntry.parse(JSON.parse(raw)).expiresAt < Date.now();
    }, 5000);
  }, 60_000);
});
