/**
 * Fault: Redis crashes (SIGKILL) with a job running and others queued, and comes back. A private redis-server on
 * its own port; the API and a worker keep running through it. Persistent (AOF, as production runs it): the jobs
 * survive and are delivered. Empty (no persistence, or a failover to an empty replica): every job is gone, and
 * the API's reconciler enqueues the paid generations again. Either way each is delivered or refunded once; a
 * request made while Redis is down gets a 503 and is not charged. A webhook delivery waiting for its retry when
 * Redis comes back empty is queued again and delivered.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createObjectStore } from '@easel/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuWorker } from '../../apps/gpu-worker/src/gpu-worker.js';
import { systemDepsReady } from '../support/system-deps.js';
import { waitFor } from '../worker/worker-harness.js';
import { FAST_TAKEOVER, LONG_JOB, startFaultStack, submit, type FaultStack } from './support/fault-stack.js';
import { reportFault } from './support/fault-report.js';
import { expectPaidOnce } from './support/paid-once.js';
import { REDIS_SERVER, startPrivateRedis, type PrivateRedis } from './support/private-redis.js';

const ready = systemDepsReady('the Redis restart faults', [REDIS_SERVER]);

let redis: PrivateRedis;
let stack: FaultStack;
let worker: GpuWorker;

beforeAll(async () => {
  if (!ready) return;
  redis = await startPrivateRedis({ persistent: true });
  stack = await startFaultStack({
    redisUrl: redis.url,
    // The webhook's first delivery fails; its retry (backoff 5 s) is still pending when Redis goes.
    apiEnv: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_BACKOFF_MS: '5000' },
  });
  // An emptied Redis has lost the engine registry too, until the worker's next heartbeat (10 s by default, 20 s
  // here so the gap is sure to be seen): the reconciler must not take it for a retired engine and refund.
  worker = await stack.startWorker({
    ...FAST_TAKEOVER,
    REGISTRY_HEARTBEAT_MS: '20000',
    REGISTRY_TTL_MS: '60000',
  });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await redis?.close();
});

/** A long job running and three short ones queued behind it; resolves once the long one is mid-way. */
async function busyQueue(token: string): Promise<string[]> {
  const api = stack.api!.url;
  const long = await submit(api, token, stack.engine, LONG_JOB);
  const short = await Promise.all([1, 2, 3].map((seed) => submit(api, token, stack.engine, { seed })));
  expect([long, ...short].map((r) => r.status)).toEqual([202, 202, 202, 202]);
  await waitFor(async () => ((await stack.queue.getJob(long.body.id))?.progress ? true : undefined), 30_000);
  // Still running when Redis goes (40 steps at 256² take seconds; it has done one).
  expect(await stack.queue.getJobState(long.body.id)).toBe('active');
  return [long.body.id, ...short.map((r) => r.body.id)];
}

describe.skipIf(!ready)('fault: Redis restart', () => {
  it.each([
    ['persistent (append-only file): the jobs survive', false],
    ['empty: the reconciler enqueues the paid generations again', true],
  ])(
    '%s; each generation delivered once',
    async (_name, empty) => {
      const user = await stack.user(50);
      const paid = await busyQueue(user.token);
      const faultAt = Date.now();
      await redis.kill();
      const refused = await submit(stack.api!.url, user.token, stack.engine);
      const refusedMs = Date.now() - faultAt;
      expect(refused.status, JSON.stringify(refused.body)).toBe(503);
      await redis.start({ empty });

      const settled = await expectPaidOnce(
        stack.prisma,
        createObjectStore({ driver: 'fs', root: stack.apiEnv.STORAGE_FS_ROOT }),
        { id: user.id, credits: 50 },
        45_000,
      );
      const byId = new Map(settled.map((g) => [g.id, g.status]));
      expect(paid.map((id) => byId.get(id))).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
      // The refused request was turned away before the debit (engine lookup), or debited and refunded at once.
      const refusedRows = settled.filter((g) => !paid.includes(g.id));
      expect(refusedRows.length).toBeLessThanOrEqual(1);
      for (const g of refusedRows)
        expect(g).toMatchObject({ status: 'failed', errorName: 'service_unavailable' });
      reportFault(`Redis restart (${empty ? 'empty' : 'AOF'})`, faultAt, {
        refused503AfterMs: refusedMs,
        outcomes: paid.map((id) => byId.get(id)),
      });
    },
    60_000,
  );

  it('delivers a webhook that was waiting for its retry when Redis came back empty', async () => {
    // The emptied Redis above lost the engine registry; a worker joining publishes it again at once.
    await stack.startWorker({ ...FAST_TAKEOVER, REGISTRY_HEARTBEAT_MS: '20000', REGISTRY_TTL_MS: '60000' });
    const user = await stack.user(50);
    const received: number[] = [];
    let accept = false;
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(accept ? 200 : 500);
        res.writeHead(accept ? 200 : 500).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      const created = await submit(stack.api!.url, user.token, stack.engine, {
        webhookUrl: `http://127.0.0.1:${port}/hook`,
      });
      expect(created.status).toBe(202);
      // Delivered once and refused: the delivery waits in Redis for its retry.
      await waitFor(() => received.length > 0 || undefined, 30_000);
      await redis.kill();
      await redis.start({ empty: true });
      accept = true;
      await waitFor(() => received.includes(200) || undefined, 30_000);
      await expectPaidOnce(
        stack.prisma,
        createObjectStore({ driver: 'fs', root: stack.apiEnv.STORAGE_FS_ROOT }),
        { id: user.id, credits: 50 },
      );
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  }, 60_000);

  it('lets the API and the worker shut down afterwards (queue clients a restart left blocked do not hang them)', async () => {
    await stack.api!.close();
    expect(await worker.shutdown(8_000)).toEqual({ timedOut: false });
  }, 20_000);
});
