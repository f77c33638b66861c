/**
 * Money around generations: cancel (queued and running), a failing job, idempotency keys, concurrent spending,
 * duplicate outcome delivery and the reconciler — each refunded exactly once, the ledger audit clean.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationFinalizer } from '../../apps/api/src/generations/generation-finalizer.js';
import { GenerationSettlement } from '../../apps/api/src/generations/generation-settlement.js';
import { LedgerService } from '../../apps/api/src/ledger/ledger.service.js';
import { call } from '../support/app.js';
import {
  balance,
  finished,
  solidPng,
  startGenerationsHarness,
  waitFor,
  type GenerationBody,
  type GenerationsHarness,
} from './generations-harness.js';

let h: GenerationsHarness;

beforeAll(async () => {
  h = await startGenerationsHarness();
});
afterAll(async () => {
  await h?.close();
});

const submit = (token: string, json: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call<GenerationBody>(h.api.url, 'POST', '/api/generations', {
    token,
    json: { engine: h.engine, prompt: 'a quiet harbour', steps: 3, ...json },
    headers,
  });
const get = (token: string, id: string) =>
  call<GenerationBody>(h.api.url, 'GET', `/api/generations/${id}`, { token });

async function entries(userId: string, id: string): Promise<Array<{ kind: string; amount: number }>> {
  return h.prisma.$queryRaw`SELECT kind::text, amount FROM ledger_entries
    WHERE user_id = ${userId}::uuid AND reference LIKE ${`generation:${id}:%`} ORDER BY created_at`;
}

/** A long job that keeps the single worker busy (150 steps at 256²). */
const slow = { width: 256, height: 256, steps: 150, sampler: 'euler' };

describe('generation money', () => {
  it('cancels a queued generation (refunded at once) and a running one (stopped, then refunded once)', async () => {
    const user = await h.user(200);
    const running = await submit(user.token, slow);
    const queued = await submit(user.token);
    expect([running.status, queued.status]).toEqual([202, 202]);
    await waitFor(async () => ((await get(user.token, running.body.id)).body.progress ? true : undefined));
    expect(await balance(h.api.url, user.token)).toBe(200 - running.body.cost - queued.body.cost);

    const canceledQueued = await call<GenerationBody>(
      h.api.url,
      'POST',
      `/api/generations/${queued.body.id}/cancel`,
      {
        token: user.token,
      },
    );
    expect(canceledQueued.status).toBe(200);
    expect(canceledQueued.body.status, JSON.stringify(canceledQueued.body.error)).toBe('canceled');
    expect(await balance(h.api.url, user.token)).toBe(200 - running.body.cost);

    const canceledRunning = await call<GenerationBody>(
      h.api.url,
      'POST',
      `/api/generations/${running.body.id}/cancel`,
      {
        token: user.token,
      },
    );
    expect(canceledRunning.status).toBe(200);
    const done = await finished(h.api.url, user.token, running.body.id);
    expect(done.status, JSON.stringify(done.error)).toBe('canceled');
    expect(done.artifacts).toEqual([]);
    expect(await balance(h.api.url, user.token)).toBe(200);
    for (const id of [queued.body.id, running.body.id]) {
      expect((await entries(user.id, id)).map((e) => e.kind)).toEqual(['debit', 'refund']);
    }
    // Canceling again changes nothing.
    await call(h.api.url, 'POST', `/api/generations/${queued.body.id}/cancel`, { token: user.token });
    expect(await balance(h.api.url, user.token)).toBe(200);
  });

  it('fails a job that cannot run (its input vanished from storage) and refunds it', async () => {
    const user = await h.user(200);
    const blocker = await submit(user.token, slow);
    const doomed = await submit(user.token, { mode: 'image-to-image', initImage: await solidPng(64, 64) });
    expect(doomed.status).toBe(202);
    // The worker is busy with the blocker; remove the stored input before it takes the job.
    const removed = await h.env.store.deletePrefix(`generations/${doomed.body.id}/inputs/`);
    expect(removed).toBe(1);
    // Stop the blocker (refunded too), so the worker takes the doomed job next.
    await call(h.api.url, 'POST', `/api/generations/${blocker.body.id}/cancel`, { token: user.token });
    const done = await finished(h.api.url, user.token, doomed.body.id, 60_000);
    expect(done.status).toBe('failed');
    expect(done.error?.name).toBe('invalid_request');
    const blocked = await finished(h.api.url, user.token, blocker.body.id);
    expect(blocked.status, JSON.stringify(blocked.error)).toBe('canceled');
    expect(await balance(h.api.url, user.token)).toBe(200);
    expect((await entries(user.id, doomed.body.id)).map((e) => e.kind)).toEqual(['debit', 'refund']);
  });

  it('charges once for a repeated Idempotency-Key and refuses the key with another body (409)', async () => {
    const user = await h.user(200);
    const key = { 'idempotency-key': `key-${randomUUID()}` };
    const replies = await Promise.all([
      submit(user.token, { seed: 9 }, key),
      submit(user.token, { seed: 9 }, key),
    ]);
    const again = await submit(user.token, { seed: 9 }, key);
    const ids = new Set([...replies, again].map((r) => r.body.id));
    expect([...replies, again].map((r) => r.status)).toEqual([202, 202, 202]);
    expect(ids.size).toBe(1);
    expect(await balance(h.api.url, user.token)).toBe(200 - again.body.cost);
    const other = await submit(user.token, { seed: 10 }, key);
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ name: 'idempotency_conflict' });
    expect(await balance(h.api.url, user.token)).toBe(200 - again.body.cost);
  });

  it('accepts at most 20 of 50 concurrent 1-credit requests on 20 credits, never below zero, audit clean', async () => {
    const user = await h.user(20);
    const replies = await Promise.all(Array.from({ length: 50 }, () => submit(user.token)));
    const accepted = replies.filter((r) => r.status === 202);
    const refused = replies.filter((r) => r.status === 402);
    expect(accepted.length + refused.length).toBe(50);
    expect(accepted.length).toBe(20);
    expect(refused[0]?.body).toMatchObject({ name: 'insufficient_credits' });
    expect(await balance(h.api.url, user.token)).toBe(0);
    const generations = await h.prisma.generation.count({ where: { userId: user.id } });
    expect(generations).toBe(20);
    const audit = await h.api.app.get(LedgerService).audit();
    expect(audit.mismatches.filter((m) => m.userId === user.id)).toEqual([]);
  });

  it('settles once when an outcome is delivered twice (events, sweep and direct calls racing)', async () => {
    const user = await h.user(200);
    // As above: the blocker keeps the worker busy until the doomed job's input is gone, so it surely fails.
    const blocker = await submit(user.token, slow);
    const reply = await submit(user.token, { mode: 'image-to-image', initImage: await solidPng(64, 64) });
    expect(await h.env.store.deletePrefix(`generations/${reply.body.id}/inputs/`)).toBe(1);
    await call(h.api.url, 'POST', `/api/generations/${blocker.body.id}/cancel`, { token: user.token });
    await finished(h.api.url, user.token, blocker.body.id, 60_000);
    await waitFor(
      async () => ((await h.env.queue.getJobState(reply.body.id)) === 'failed' ? true : undefined),
      30_000,
    );
    const finalizer = h.api.app.get(GenerationFinalizer);
    const settlement = h.api.app.get(GenerationSettlement);
    const outcomes = await Promise.all([
      finalizer.settleFromJob(h.engine, reply.body.id),
      finalizer.settleFromJob(h.engine, reply.body.id),
      settlement.settle(reply.body.id, { status: 'failed', error: { name: 'x', message: 'duplicate' } }),
      finalizer.sweep().then(() => false),
    ]);
    expect(outcomes.filter(Boolean).length).toBeLessThanOrEqual(1);
    await finished(h.api.url, user.token, reply.body.id);
    expect((await entries(user.id, reply.body.id)).map((e) => e.kind)).toEqual(['debit', 'refund']);
    expect(await balance(h.api.url, user.token)).toBe(200);
  }, 90_000);

  it('reconciles paid generations that never reached the queue: enqueued again, or refunded when it cannot', async () => {
    const user = await h.user(200);
    const ledger = h.api.app.get(LedgerService);
    const paidWithoutJob = async (engine: string): Promise<string> => {
      const id = randomUUID();
      const params = {
        version: 1,
        generationId: id,
        engine,
        mode: 'text-to-image',
        prompt: 'lost in a crash',
        width: 64,
        height: 64,
        steps: 3,
        cfgScale: 7,
        sampler: 'euler_a',
        seed: 77,
        samples: 1,
        outputPrefix: `generations/${id}/`,
        preview: false,
      };
      await h.prisma.$transaction(async (tx) => {
        await tx.generation.create({
          data: { id, userId: user.id, engine, mode: 'text-to-image', params, cost: 1 },
        });
        await ledger.debit(user.id, 1, `generation:${id}:debit`, { tx });
      });
      return id;
    };
    const recoverable = await paidWithoutJob(h.engine);
    const orphan = await paidWithoutJob(`gone-${randomUUID().slice(0, 8)}`);
    const [a, b] = await Promise.all([
      finished(h.api.url, user.token, recoverable, 30_000),
      finished(h.api.url, user.token, orphan, 30_000),
    ]);
    expect(a.status).toBe('succeeded');
    expect(b.status).toBe('failed');
    expect(b.error?.name).toBe('engine_unavailable');
    expect(await balance(h.api.url, user.token)).toBe(199);
    expect((await entries(user.id, orphan)).map((e) => e.kind)).toEqual(['debit', 'refund']);
  });
});
