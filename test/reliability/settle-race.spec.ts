/**
 * The race behind "a canceled generation sometimes ends failed" (and its worse twin, "a delivered one ends failed
 * and refunded"): the finalizer read a job, then its state. A job that finished in between paired the active
 * job's empty failedReason / returnvalue with the finished state. Here the two reads are put in that order on
 * purpose — the finalizer's first read of the job returns only once the real worker has finished it — so the race
 * that a loaded machine hits now and then happens every time. Nothing else settles: the API's job events are
 * closed and its sweep is off, so the finalizer call under test is the only one.
 *
 * And the cancel of a queued generation: it used to remove the job first and settle after, so a sweep in between
 * found a paid generation without a job and enqueued it again (the worker then ran it only to find it canceled).
 */
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationFinalizer } from '../../apps/api/src/generations/generation-finalizer.js';
import { GenerationQueues } from '../../apps/api/src/queue/generation-queues.js';
import { call } from '../support/app.js';
import { waitFor } from '../worker/worker-harness.js';
import { LONG_JOB, startFaultStack, submit, type FaultStack } from './support/fault-stack.js';
import { expectPaidOnce } from './support/paid-once.js';
import { createObjectStore } from '@easel/storage';

let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ apiEnv: { GENERATION_SWEEP_INTERVAL_MS: '3600000' } });
  await stack.startWorker({ WORKER_LOCK_DURATION_MS: '30000' });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

/**
 * Submits a long job, waits until it runs, and silences the API's own settlement paths. Returns a hook that makes
 * the finalizer's next read of this job wait for `finish` (which ends the job) and return the read made before.
 */
async function runningJob(token: string) {
  const app = stack.api!.app;
  const queues = app.get(GenerationQueues);
  const created = await submit(stack.api!.url, token, stack.engine, LONG_JOB);
  expect(created.status).toBe(202);
  await queues.queueEvents(stack.engine, () => undefined).close();
  const id = created.body.id;
  await waitFor(async () => ((await stack.queue.getJob(id))?.progress ? true : undefined), 30_000);
  const queue = queues.queue(stack.engine);
  const realGetJob = queue.getJob.bind(queue);
  const staleReadThen = (finish: () => Promise<void>): void => {
    queue.getJob = async (jobId: string): Promise<Job | undefined> => {
      const job = await realGetJob(jobId);
      if (jobId !== id) return job;
      queue.getJob = realGetJob;
      await finish();
      return job;
    };
  };
  return { id, staleReadThen, finalizer: app.get(GenerationFinalizer) };
}

const store = () => createObjectStore({ driver: 'fs', root: stack.apiEnv.STORAGE_FS_ROOT });

describe('settling a job that finishes while the finalizer reads it', () => {
  it('a generation canceled by its user ends canceled (not failed), refunded once', async () => {
    const user = await stack.user(20);
    const { id, staleReadThen, finalizer } = await runningJob(user.token);
    let cancel: Promise<unknown> | undefined;
    staleReadThen(async () => {
      cancel = call(stack.api!.url, 'POST', `/api/generations/${id}/cancel`, { token: user.token });
      await waitFor(
        async () => ((await stack.queue.getJobState(id)) === 'failed' ? true : undefined),
        30_000,
      );
    });
    await finalizer.settleFromJob(stack.engine, id);
    // Whatever that call decided, the next one (the job event or sweep, in production) sees the job as it is.
    await finalizer.settleFromJob(stack.engine, id);
    await cancel;
    const settled = await expectPaidOnce(stack.prisma, store(), { id: user.id, credits: 20 });
    expect(settled).toEqual([{ id, status: 'canceled', errorName: 'canceled' }]);
  }, 60_000);

  it('a generation its worker delivered ends succeeded (not failed and refunded)', async () => {
    const user = await stack.user(20);
    const { id, staleReadThen, finalizer } = await runningJob(user.token);
    staleReadThen(async () => {
      await waitFor(
        async () => ((await stack.queue.getJobState(id)) === 'completed' ? true : undefined),
        30_000,
      );
    });
    await finalizer.settleFromJob(stack.engine, id);
    await finalizer.settleFromJob(stack.engine, id);
    const settled = await expectPaidOnce(stack.prisma, store(), { id: user.id, credits: 20 });
    expect(settled).toEqual([{ id, status: 'succeeded', errorName: null }]);
  }, 60_000);

  it('a queued generation canceled while the reconciler sweeps is not enqueued again', async () => {
    const user = await stack.user(20);
    const app = stack.api!.app;
    const finalizer = app.get(GenerationFinalizer);
    const queue = app.get(GenerationQueues).queue(stack.engine);
    await stack.queue.pause(); // it stays queued
    try {
      const created = await submit(stack.api!.url, user.token, stack.engine);
      const id = created.body.id;
      // Old enough for the reconciler to enqueue it again if it ever sees it unsettled without a job.
      const reconcileAfter = Number(stack.apiEnv.GENERATION_RECONCILE_AFTER_MS);
      const { createdAt } = await stack.prisma.generation.findUniqueOrThrow({ where: { id } });
      await waitFor(() => Date.now() - createdAt.getTime() > reconcileAfter || undefined);
      // The cancel's removal of the job is followed at once by a sweep, as another replica's could be.
      const realGetJob = queue.getJob.bind(queue);
      queue.getJob = async (jobId: string): Promise<Job | undefined> => {
        const job = await realGetJob(jobId);
        if (jobId !== id || !job) return job;
        queue.getJob = realGetJob;
        const realRemove = job.remove.bind(job);
        job.remove = async (opts) => {
          await realRemove(opts);
          await finalizer.sweep();
        };
        return job;
      };
      const canceled = await call<{ status: string }>(
        stack.api!.url,
        'POST',
        `/api/generations/${id}/cancel`,
        {
          token: user.token,
        },
      );
      expect(canceled.body.status).toBe('canceled');
      expect(await stack.queue.getJob(id)).toBeUndefined();
      const settled = await expectPaidOnce(stack.prisma, store(), { id: user.id, credits: 20 });
      expect(settled).toEqual([{ id, status: 'canceled', errorName: 'canceled' }]);
    } finally {
      await stack.queue.resume();
    }
  }, 60_000);
});
