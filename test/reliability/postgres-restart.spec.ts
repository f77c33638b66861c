/**
 * Fault: PostgreSQL crashes (`pg_ctl stop -m immediate`) with a job running and others queued, stays down while
 * jobs finish (their outcomes cannot be recorded), and comes back. A private cluster on its own port; the API and a
 * worker keep running through it. Requests made while it is down get a 503 and charge nothing; after the restart
 * the finalizer's sweep settles what finished meanwhile: each generation delivered once, the ledger audit of the
 * whole database clean.
 */
import { createObjectStore } from '@easel/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/app.js';
import { systemDepsReady } from '../support/system-deps.js';
import { waitFor } from '../worker/worker-harness.js';
import { LONG_JOB, startFaultStack, submit, type FaultStack } from './support/fault-stack.js';
import { reportFault } from './support/fault-report.js';
import { expectAuditClean, expectPaidOnce } from './support/paid-once.js';
import { POSTGRES_SERVER, startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js';

const ready = systemDepsReady('the PostgreSQL restart fault', [POSTGRES_SERVER]);

let database: PrivatePostgres;
let stack: FaultStack;

beforeAll(async () => {
  if (!ready) return;
  database = await startPrivatePostgres();
  stack = await startFaultStack({ databaseUrl: database.url });
  await stack.startWorker({ WORKER_LOCK_DURATION_MS: '30000' });
}, 90_000);
afterAll(async () => {
  await stack?.close();
  await database?.close();
});

describe.skipIf(!ready)('fault: PostgreSQL restart', () => {
  it('answers 503 while it is down, charges nothing, and settles every paid generation once it is back', async () => {
    const api = stack.api!.url;
    const user = await stack.user(50);
    const long = await submit(api, user.token, stack.engine, LONG_JOB);
    const short = await Promise.all([1, 2, 3].map((seed) => submit(api, user.token, stack.engine, { seed })));
    const paid = [long, ...short];
    expect(paid.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    await waitFor(
      async () => ((await stack.queue.getJob(long.body.id))?.progress ? true : undefined),
      30_000,
    );

    const faultAt = Date.now();
    await database.stop();
    const refused = await submit(api, user.token, stack.engine);
    const refusedMs = Date.now() - faultAt;
    expect(refused.status, JSON.stringify(refused.body)).toBe(503);
    expect(refused.body).toMatchObject({ name: 'service_unavailable' });
    const read = await call(api, 'GET', `/api/generations/${long.body.id}`, { token: user.token });
    expect(read.status).toBe(503);
    // Every job finishes while nothing can be written: the outcomes wait in Redis.
    await waitFor(async () => {
      const states = await Promise.all(paid.map((r) => stack.queue.getJobState(r.body.id)));
      return states.every((s) => s === 'completed') || undefined;
    }, 30_000);
    await database.start();
    const backAt = Date.now();

    const settled = await expectPaidOnce(
      stack.prisma,
      createObjectStore({ driver: 'fs', root: stack.apiEnv.STORAGE_FS_ROOT }),
      { id: user.id, credits: 50 },
    );
    expect(settled.map((g) => g.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    reportFault('PostgreSQL restart', faultAt, {
      refused503AfterMs: refusedMs,
      downMs: backAt - faultAt,
      settledAfterBackMs: Date.now() - backAt,
    });
    await expectAuditClean(stack.prisma);
    // The API serves again on its old pool.
    const after = await call(api, 'GET', `/api/generations/${long.body.id}`, { token: user.token });
    expect(after.status).toBe(200);
  }, 90_000);
});
