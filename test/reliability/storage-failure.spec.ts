/**
 * Fault: object storage fails while a worker uploads a finished picture. A real S3-protocol server (s3rver) on
 * loopback behind a TCP proxy that refuses connections (a storage outage) or goes silent (a black-holed network).
 * An outage shorter than the job's attempts: the upload is retried and the picture delivered. One that outlasts
 * them: the generation fails and is refunded once, with no picture recorded. Nothing is charged for a picture
 * that was not delivered.
 */
import { createObjectStore, type ObjectStore } from '@easel/storage';
import {
  LOOPBACK_S3_CREDENTIALS,
  startLoopbackS3,
  type LoopbackS3,
} from '../../libs/storage/src/testing/s3rver-server.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../worker/worker-harness.js';
import { LONG_JOB, startFaultStack, submit, type FaultStack } from './support/fault-stack.js';
import { reportFault } from './support/fault-report.js';
import { expectPaidOnce } from './support/paid-once.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

let s3: LoopbackS3;
let proxy: TcpProxy;
let stack: FaultStack;
/** The bucket as seen directly, past the proxy. */
let direct: ObjectStore;
const bucket = 'easel-faults';

beforeAll(async () => {
  s3 = await startLoopbackS3();
  await s3.createBucket(bucket);
  proxy = await startTcpProxy({ host: '127.0.0.1', port: s3.port });
  const storageEnv = {
    STORAGE_DRIVER: 's3',
    STORAGE_S3_BUCKET: bucket,
    STORAGE_S3_REGION: 'us-east-1',
    STORAGE_S3_ENDPOINT: `http://127.0.0.1:${proxy.port}`,
    STORAGE_S3_FORCE_PATH_STYLE: 'true',
    STORAGE_S3_ACCESS_KEY_ID: LOOPBACK_S3_CREDENTIALS.accessKeyId,
    STORAGE_S3_SECRET_ACCESS_KEY: LOOPBACK_S3_CREDENTIALS.secretAccessKey,
    // A silent store fails an upload after this long instead of holding the job forever.
    STORAGE_S3_TIMEOUT_MS: '1500',
  };
  stack = await startFaultStack({ storageEnv });
  await stack.startWorker({ WORKER_LOCK_DURATION_MS: '30000' });
  direct = createObjectStore({
    driver: 's3',
    bucket,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    ...LOOPBACK_S3_CREDENTIALS,
  });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await direct?.close();
  await proxy?.close();
  await s3?.close();
});

/** Submits a long job and waits until it is mid-way (its upload is still ahead). */
async function midJob(token: string): Promise<string> {
  const reply = await submit(stack.api!.url, token, stack.engine, LONG_JOB);
  expect(reply.status).toBe(202);
  await waitFor(async () => ((await stack.queue.getJob(reply.body.id))?.progress ? true : undefined), 30_000);
  return reply.body.id;
}

/** Resolves once an attempt of the job has failed (and the job waits for its retry). */
async function attemptFailed(id: string): Promise<void> {
  await waitFor(async () => ((await stack.queue.getJob(id))?.attemptsMade ?? 0) > 0 || undefined, 30_000);
}

describe('fault: object storage failing during upload', () => {
  it.each([
    ['refuses connections', () => proxy.cut()],
    ['goes silent (black-holed)', () => proxy.hold()],
  ])(
    'store %s for one attempt: the upload is retried and the picture delivered',
    async (name, fail) => {
      const user = await stack.user(50);
      const id = await midJob(user.token);
      const faultAt = Date.now();
      fail();
      await attemptFailed(id);
      proxy.restore();
      const settled = await expectPaidOnce(stack.prisma, direct, { id: user.id, credits: 50 });
      expect(settled).toEqual([{ id, status: 'succeeded', errorName: null }]);
      reportFault(`storage ${name} for one attempt`, faultAt, {
        attempts: (await stack.queue.getJob(id))?.attemptsMade,
      });
    },
    60_000,
  );

  it('store down for every attempt: failed, refunded once, no picture recorded', async () => {
    const user = await stack.user(50);
    proxy.cut();
    const faultAt = Date.now();
    const reply = await submit(stack.api!.url, user.token, stack.engine);
    expect(reply.status).toBe(202);
    try {
      const settled = await expectPaidOnce(stack.prisma, direct, { id: user.id, credits: 50 });
      expect(settled).toEqual([{ id: reply.body.id, status: 'failed', errorName: 'pipeline_error' }]);
      expect(await stack.prisma.artifact.count({ where: { generationId: reply.body.id } })).toBe(0);
      reportFault('storage down for every attempt', faultAt, { outcome: settled[0]?.status });
    } finally {
      proxy.restore();
    }
  }, 60_000);
});
