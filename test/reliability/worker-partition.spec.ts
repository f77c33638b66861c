/**
 * Fault: a worker is cut off from Redis mid-job, as a separate host would be by a network partition. The worker
 * runs in its own network namespace and reaches Redis (private, listening on the link) only over a veth pair; the
 * API and a second worker run in the root namespace. The link goes down mid-job: the cut-off worker cannot renew
 * its lock, BullMQ's stalled-job check hands the job to the other worker, which delivers it. When the link comes
 * back, the first worker's late result is refused (its lock is gone): the generation is settled once.
 */
import { createObjectStore } from '@easel/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemDepsReady } from '../support/system-deps.js';
import { spawnWorker, waitFor, type WorkerProcess } from '../worker/worker-harness.js';
import { FAST_TAKEOVER, LONG_JOB, startFaultStack, submit, type FaultStack } from './support/fault-stack.js';
import { createNetworkHost, NETWORK_NAMESPACES, type NetworkHost } from './support/netns.js';
import { reportFault } from './support/fault-report.js';
import { expectPaidOnce } from './support/paid-once.js';
import { REDIS_SERVER, startPrivateRedis, type PrivateRedis } from './support/private-redis.js';

const ready = systemDepsReady('the network partition fault', [NETWORK_NAMESPACES, REDIS_SERVER]);

let host: NetworkHost;
let redis: PrivateRedis;
let stack: FaultStack;
let isolated: WorkerProcess;

beforeAll(async () => {
  if (!ready) return;
  host = await createNetworkHost();
  redis = await startPrivateRedis({ bind: ['127.0.0.1', host.hostAddress] });
  stack = await startFaultStack({ redisUrl: redis.url });
  isolated = spawnWorker(
    stack.workerEnv({
      WORKER_ID: `${stack.engine}-isolated`,
      REDIS_URL: `redis://${host.hostAddress}:${redis.port}`,
      ...FAST_TAKEOVER,
    }),
    host.exec,
  );
  await isolated.ready;
}, 90_000);

afterAll(async () => {
  if (isolated && isolated.child.exitCode === null && isolated.child.signalCode === null)
    isolated.child.kill('SIGKILL');
  await isolated?.exited;
  await stack?.close();
  await redis?.close();
  await host?.remove();
});

describe.skipIf(!ready)('fault: a worker cut off from Redis mid-job (network namespaces)', () => {
  it('hands the job to a worker that can still reach Redis; delivered and charged once', async () => {
    const user = await stack.user(50);
    const created = await submit(stack.api!.url, user.token, stack.engine, LONG_JOB);
    expect(created.status).toBe(202);
    const id = created.body.id;
    await waitFor(async () => ((await stack.queue.getJob(id))?.progress ? true : undefined), 30_000);
    expect(isolated.output()).toContain(`"jobId":"${id}","engine"`);

    await stack.startWorker({ ...FAST_TAKEOVER, WORKER_ID: `${stack.engine}-survivor` });
    const faultAt = Date.now();
    await host.cut();
    try {
      await waitFor(
        async () => ((await stack.queue.getJobState(id)) === 'completed' ? true : undefined),
        45_000,
      );
    } finally {
      await host.restore();
    }
    const takenOverMs = Date.now() - faultAt;
    const job = await stack.queue.getJob(id);
    expect(job?.stalledCounter).toBe(1);
    expect((job?.returnvalue as { workerId?: string } | undefined)?.workerId).toBe(
      `${stack.engine}-survivor`,
    );

    // The cut-off worker, reconnected, finishes its copy; BullMQ refuses its late completion (the lock is gone).
    await waitFor(
      () => isolated.output().includes(`Missing lock for job ${id}. moveToFinished`) || undefined,
      45_000,
    );
    const settled = await expectPaidOnce(
      stack.prisma,
      createObjectStore({ driver: 'fs', root: stack.apiEnv.STORAGE_FS_ROOT }),
      { id: user.id, credits: 50 },
    );
    expect(settled).toEqual([{ id, status: 'succeeded', errorName: null }]);
    const row = await stack.prisma.generation.findUniqueOrThrow({ where: { id } });
    expect(row.workerId).toBe(`${stack.engine}-survivor`);
    expect((await stack.queue.getJob(id))?.returnvalue).toEqual(job?.returnvalue);
    reportFault('worker cut off from Redis (netns)', faultAt, { deliveredByOtherWorkerMs: takenOverMs });
  }, 120_000);
});
