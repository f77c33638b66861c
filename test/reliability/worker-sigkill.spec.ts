/**
 * Fault: a GPU worker process is SIGKILLed in the middle of a paid job. Its lock expires, another worker takes the
 * job over (BullMQ stalled-job handling) and delivers it: charged once, never refunded. A job that kills every
 * worker that takes it (past WORKER_MAX_STALLED_COUNT) fails and is refunded once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, waitFor, type WorkerProcess } from '../worker/worker-harness.js';
import { FAST_TAKEOVER, LONG_JOB, startFaultStack, submit, type FaultStack } from './support/fault-stack.js';
import { reportFault } from './support/fault-report.js';
import { expectPaidOnce } from './support/paid-once.js';
import { createObjectStore } from '@easel/storage';

let stack: FaultStack;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  stack = await startFaultStack();
  for (const name of ['a', 'b']) {
    workers.push(spawnWorker(stack.workerEnv({ WORKER_ID: `${stack.engine}-${name}`, ...FAST_TAKEOVER })));
  }
  await Promise.all(workers.map((w) => w.ready));
}, 90_000);

afterAll(async () => {
  for (const w of workers)
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await stack?.close();
});

/** The job is in its denoising loop (a progress update reached Redis). */
async function midJob(id: string): Promise<void> {
  await waitFor(async () => {
    const progress = (await stack.queue.getJob(id))?.progress as { step?: number } | undefined;
    return (progress?.step ?? 0) > 0 ? true : undefined;
  }, 30_000);
}

function runnerOf(id: string): WorkerProcess {
  const runner = workers.find((w) => w.output().includes(`"jobId":"${id}","engine"`));
  if (!runner) throw new Error(`no worker logged job ${id}`);
  return runner;
}

describe('fault: SIGKILL of a worker mid-job', () => {
  it('hands the job to another worker, which delivers it; charged once, never refunded', async () => {
    const api = stack.api!.url;
    const user = await stack.user(50);
    const long = await submit(api, user.token, stack.engine, LONG_JOB);
    const short = await submit(api, user.token, stack.engine);
    expect([long.status, short.status]).toEqual([202, 202]);
    await midJob(long.body.id);
    const victim = runnerOf(long.body.id);
    const faultAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;

    const settled = await expectPaidOnce(
      stack.prisma,
      createObjectStore({ driver: 'fs', root: stack.apiEnv.STORAGE_FS_ROOT }),
      { id: user.id, credits: 50 },
    );
    expect(settled.map((g) => g.status)).toEqual(['succeeded', 'succeeded']);
    reportFault('worker SIGKILL mid-job', faultAt, { outcomes: settled.map((g) => g.status) });
    const job = await stack.queue.getJob(long.body.id);
    expect(job?.stalledCounter).toBe(1);
    const row = await stack.prisma.generation.findUnique({ where: { id: long.body.id } });
    expect(row?.workerId).not.toBe(victim === workers[0] ? `${stack.engine}-a` : `${stack.engine}-b`);
  }, 60_000);

  it('fails and refunds, once, a job that has killed more workers than it may (WORKER_MAX_STALLED_COUNT)', async () => {
    const api = stack.api!.url;
    const user = await stack.user(50);
    const poison = await submit(api, user.token, stack.engine, LONG_JOB);
    await midJob(poison.body.id);
    const victim = runnerOf(poison.body.id);
    const faultAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;
    // The last worker standing allows no stall: the job's next stall check fails it for good.
    for (const w of workers) if (w !== victim && w.child.exitCode === null) w.child.kill('SIGKILL');
    await stack.startWorker({ ...FAST_TAKEOVER, WORKER_MAX_STALLED_COUNT: '0' });

    const settled = await expectPaidOnce(
      stack.prisma,
      createObjectStore({ driver: 'fs', root: stack.apiEnv.STORAGE_FS_ROOT }),
      { id: user.id, credits: 50 },
    );
    expect(settled).toEqual([{ id: poison.body.id, status: 'failed', errorName: 'pipeline_error' }]);
    reportFault('job past WORKER_MAX_STALLED_COUNT', faultAt, { outcomes: settled.map((g) => g.status) });
  }, 60_000);
});
