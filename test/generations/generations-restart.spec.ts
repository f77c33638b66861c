/**
 * The API is down while workers finish jobs (a restart half-way): nothing is lost. The restarted API's sweep
 * settles what finished meanwhile — artifacts recorded, failures refunded — exactly once, even with two
 * replicas sweeping at the same time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApp } from '../support/app.js';
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

describe('API restart half-way', () => {
  it('settles jobs that finished while no API ran, once, when the API comes back', async () => {
    const user = await h.user(100);
    const submit = (json: Record<string, unknown>) =>
      call<GenerationBody>(h.api.url, 'POST', '/api/generations', {
        token: user.token,
        json: { engine: h.engine, prompt: 'a windmill', steps: 8, ...json },
      });
    // The queue is paused until the API has stopped: no job can finish (and be settled) while it still runs.
    await h.env.queue.pause();
    const ok = await submit({ width: 256, height: 256, steps: 80 });
    const doomed = await submit({ mode: 'image-to-image', initImage: await solidPng(64, 64) });
    expect([ok.status, doomed.status]).toEqual([202, 202]);
    await h.env.store.deletePrefix(`generations/${doomed.body.id}/inputs/`);
    await h.api.close();
    await h.env.queue.resume();

    const state = (id: string) => h.env.queue.getJobState(id);
    await waitFor(async () => ((await state(ok.body.id)) === 'completed' ? true : undefined), 30_000);
    await waitFor(async () => ((await state(doomed.body.id)) === 'failed' ? true : undefined), 30_000);
    const unsettled = await h.prisma.generation.findMany({
      where: { id: { in: [ok.body.id, doomed.body.id] } },
      select: { status: true },
    });
    expect(unsettled.map((g) => g.status).every((s) => s === 'queued' || s === 'running')).toBe(true);

    // Two replicas come up at once and sweep concurrently.
    const [first, second] = await Promise.all([startTestApp(h.apiEnv), startTestApp(h.apiEnv)]);
    h.api = first;
    try {
      const [a, b] = await Promise.all([
        finished(first.url, user.token, ok.body.id),
        finished(second.url, user.token, doomed.body.id),
      ]);
      expect(a.status).toBe('succeeded');
      expect(a.artifacts).toHaveLength(1);
      expect(b.status).toBe('failed');
      await new Promise((r) => setTimeout(r, 1000)); // more sweeps by both replicas
      const refs = await h.prisma.$queryRaw<Array<{ reference: string }>>`
        SELECT reference FROM ledger_entries WHERE user_id = ${user.id}::uuid AND reference LIKE 'generation:%'
        ORDER BY reference`;
      expect(refs.map((r) => r.reference)).toEqual(
        [
          `generation:${doomed.body.id}:debit`,
          `generation:${doomed.body.id}:refund`,
          `generation:${ok.body.id}:debit`,
        ].sort(),
      );
      expect(await balance(first.url, user.token)).toBe(100 - ok.body.cost);
    } finally {
      await second.close();
    }
  });
});

describe('replicas', () => {
  it("reports a running generation's progress from a replica that never handled that engine", async () => {
    const user = await h.user(100);
    // Its sweep never reaches the new generation (too young), so only listening to every engine can tell it.
    const other = await startTestApp({ ...h.apiEnv, GENERATION_RECONCILE_AFTER_MS: '600000' });
    try {
      const created = await call<GenerationBody>(h.api.url, 'POST', '/api/generations', {
        token: user.token,
        json: {
          engine: h.engine,
          prompt: 'a lighthouse',
          width: 256,
          height: 256,
          steps: 120,
          sampler: 'euler',
        },
      });
      expect(created.status).toBe(202);
      const progress = await waitFor(async () => {
        const seen = await call<GenerationBody>(other.url, 'GET', `/api/generations/${created.body.id}`, {
          token: user.token,
        });
        return seen.body.status === 'running' && seen.body.progress ? seen.body.progress : undefined;
      }, 30_000);
      expect(progress.step).toBeGreaterThan(0);
      expect(progress.total).toBe(120);
      await call(h.api.url, 'POST', `/api/generations/${created.body.id}/cancel`, { token: user.token });
      expect((await finished(h.api.url, user.token, created.body.id)).status).toBe('canceled');
    } finally {
      await other.close();
    }
  });
});
