/**
 * Fault: the API process is SIGKILLed in the middle of POST /api/generations, and the client retries with the same
 * Idempotency-Key against the restarted API. The retry returns the generation the first request paid for, never a
 * second charge; nothing is half-written (a debit always has its generation row, and the reverse); every paid
 * generation is delivered, the one whose job the killed API never enqueued by the reconciler.
 */
import { randomUUID } from 'node:crypto';
import { createObjectStore } from '@easel/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../worker/worker-harness.js';
import { spawnApi, type ApiProcess } from './support/api-process.js';
import { startFaultStack, submit, type FaultStack } from './support/fault-stack.js';
import { reportFault } from './support/fault-report.js';
import { expectPaidOnce } from './support/paid-once.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

let stack: FaultStack;
/** The API reaches Redis through it, so the test can stall the API's queue connection. */
let redisProxy: TcpProxy;
const apis: ApiProcess[] = [];

beforeAll(async () => {
  stack = await startFaultStack({ apiEnv: false });
  await stack.startWorker({ WORKER_LOCK_DURATION_MS: '30000' });
  const redis = new URL(stack.redisUrl);
  redisProxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
}, 60_000);
afterAll(async () => {
  await Promise.all(apis.map((a) => a.kill()));
  await stack?.close();
  await redisProxy?.close();
});

async function startApi(viaProxy: boolean): Promise<string> {
  const url = new URL(stack.redisUrl);
  if (viaProxy) {
    url.hostname = '127.0.0.1';
    url.port = String(redisProxy.port);
  }
  const api = spawnApi({ ...stack.apiEnv, REDIS_URL: url.toString() });
  apis.push(api);
  return api.ready;
}

const store = () => createObjectStore({ driver: 'fs', root: stack.apiEnv.STORAGE_FS_ROOT });
const body = (seed: number) => ({ prompt: 'a ship in a bottle', seed });

describe('fault: SIGKILL of the API mid-request', () => {
  it('killed after the debit, before the enqueue: the retry returns the same generation, charged once, delivered', async () => {
    const first = await startApi(true);
    const user = await stack.user(50, first);
    const key = `retry-${randomUUID()}`;
    // The API's queue connection stalls: the request pays, then waits on the enqueue.
    redisProxy.hold('easel-api-queue');
    const inFlight = submit(first, user.token, stack.engine, body(1), { 'idempotency-key': key });
    inFlight.catch(() => undefined); // its connection dies with the API
    const paid = await waitFor(
      async () =>
        (await stack.prisma.generation.findFirst({ where: { userId: user.id, idempotencyKey: key } })) ??
        undefined,
      30_000,
    );
    const faultAt = Date.now();
    await apis.at(-1)!.kill();
    redisProxy.restore();

    const restarted = await startApi(false);
    const restartMs = Date.now() - faultAt;
    const retry = await submit(restarted, user.token, stack.engine, body(1), { 'idempotency-key': key });
    expect(retry.status).toBe(202);
    expect(retry.body.id).toBe(paid.id);
    const settled = await expectPaidOnce(stack.prisma, store(), { id: user.id, credits: 50 });
    expect(settled).toEqual([{ id: paid.id, status: 'succeeded', errorName: null }]);
    reportFault('API SIGKILL after the debit, before the enqueue', faultAt, { apiRestartMs: restartMs });
  }, 90_000);

  it('killed with requests at every stage: each retried request charged once, delivered', async () => {
    const api = await startApi(false);
    const user = await stack.user(50, api);
    const keys = Array.from({ length: 8 }, (_, i) => `burst-${i}-${randomUUID()}`);
    const burst = keys.map((key, i) =>
      submit(api, user.token, stack.engine, body(i), { 'idempotency-key': key }).catch(() => undefined),
    );
    // Killed as soon as the first of them has paid: the others are anywhere from unread to answered.
    await waitFor(
      async () => (await stack.prisma.generation.count({ where: { userId: user.id } })) > 0 || undefined,
    );
    const faultAt = Date.now();
    const paidBeforeKill = await stack.prisma.generation.count({ where: { userId: user.id } });
    await apis.at(-1)!.kill();
    const answered = (await Promise.all(burst)).filter((r) => r?.status === 202).length;

    const restarted = await startApi(false);
    const retries = await Promise.all(
      keys.map((key, i) => submit(restarted, user.token, stack.engine, body(i), { 'idempotency-key': key })),
    );
    expect(retries.map((r) => r.status)).toEqual(keys.map(() => 202));
    const settled = await expectPaidOnce(stack.prisma, store(), { id: user.id, credits: 50 });
    expect(settled.map((g) => g.status)).toEqual(keys.map(() => 'succeeded'));
    expect(new Set(retries.map((r) => r.body.id))).toEqual(new Set(settled.map((g) => g.id)));
    reportFault('API SIGKILL during a burst of 8', faultAt, { paidBeforeKill, answeredBeforeKill: answered });
  }, 90_000);
});
