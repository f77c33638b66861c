/**
 * Storms against small balances: many concurrent generations (native and Stability v1, JWT and API key), the
 * same Idempotency-Key at once and again, cancel storms. Each ends with the ledger audit clean, every reference
 * unique, every generation debited once and refunded at most once, no balance ever below zero.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createKey, type Reply } from '../support/app.js';
import {
  finished,
  startGenerationsHarness,
  waitFor,
  type GenerationBody,
  type GenerationsHarness,
} from '../generations/generations-harness.js';
import { gradientPng, halfMaskPng } from '../stability/images.js';
import { postForm, textToImage } from '../stability/v1-client.js';
import { auditMismatches, ledgerAuditCli, money, referenceProblems } from './ledger-checks.js';

let h: GenerationsHarness;
const users: string[] = [];

beforeAll(async () => {
  h = await startGenerationsHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function user(credits: number): Promise<{ id: string; token: string; key: string }> {
  const u = await h.user(credits);
  users.push(u.id);
  return { ...u, key: (await createKey(h.api.url, u.token, 'storm')).key };
}

const submit = (auth: string, json: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call<GenerationBody>(h.api.url, 'POST', '/api/generations', {
    token: auth,
    json: { engine: h.engine, prompt: 'a storm at sea', steps: 3, ...json },
    headers,
  });

/** After a storm: nothing below zero, balance == entries, references unique, one debit per generation. */
async function expectLedgerSound(userId: string): Promise<void> {
  const m = await money(h.prisma, userId);
  expect(m.credits).toBeGreaterThanOrEqual(0);
  expect(m.lowest).toBeGreaterThanOrEqual(0);
  expect(m.sum).toBe(m.credits);
  expect(await auditMismatches(h.prisma, [userId])).toEqual([]);
  expect(await referenceProblems(h.prisma, [userId])).toEqual([]);
}

async function allFinished(token: string, ids: string[]): Promise<GenerationBody[]> {
  return Promise.all(ids.map((id) => finished(h.api.url, token, id, 90_000)));
}

const statuses = (replies: Reply[]) => replies.map((r) => r.status).sort();

describe('storms of generations against small balances', () => {
  it('50 concurrent 1-credit requests (JWT and API key) on 7 credits: exactly 7 accepted, 43 × 402, never below zero', async () => {
    const u = await user(7);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => submit(i % 2 === 0 ? u.token : u.key, { seed: i + 1 })),
    );
    expect(statuses(replies)).toEqual([...Array(7).fill(202), ...Array(43).fill(402)]);
    for (const r of replies.filter((r) => r.status === 402))
      expect(r.body).toMatchObject({ name: 'insufficient_credits' });
    expect((await money(h.prisma, u.id)).credits).toBe(0);
    const accepted = replies.filter((r) => r.status === 202).map((r) => r.body.id);
    expect(new Set(accepted).size).toBe(7);
    expect(await h.prisma.generation.count({ where: { userId: u.id } })).toBe(7);
    const done = await allFinished(u.token, accepted);
    expect(done.map((g) => g.status)).toEqual(Array(7).fill('succeeded'));
    await expectLedgerSound(u.id);
  }, 120_000);

  it('mixed prices (1, 2 and 3 credits) at once on 7 credits: what is accepted fits, every refusal was unaffordable', async () => {
    const u = await user(7);
    const prices = Array.from({ length: 30 }, (_, i) => (i % 3) + 1);
    const replies = await Promise.all(prices.map((samples, i) => submit(u.key, { samples, seed: 100 + i })));
    const accepted = replies.filter((r) => r.status === 202);
    const refused = replies.filter((r) => r.status !== 202);
    expect(refused.every((r) => r.status === 402)).toBe(true);
    const spent = accepted.reduce((sum, r) => sum + r.body.cost, 0);
    expect(spent).toBeLessThanOrEqual(7);
    const left = (await money(h.prisma, u.id)).credits;
    expect(left).toBe(7 - spent);
    // A request was refused only when it cost more than what was left (the balance only fell during the storm).
    const refusedPrices = replies.flatMap((r, i) => (r.status === 402 ? [prices[i] ?? 0] : []));
    expect(refusedPrices.every((price) => price > left)).toBe(true);
    await allFinished(
      u.token,
      accepted.map((r) => r.body.id),
    );
    await expectLedgerSound(u.id);
  }, 120_000);

  it('Stability v1 text-to-image, image-to-image and masking at once on 5 credits: 5 images, the rest 402', async () => {
    const u = await user(5);
    const init = await gradientPng(64, 64);
    const mask = await halfMaskPng(64, 64);
    const t2i = { text_prompts: [{ text: 'a storm' }], width: 128, height: 128, steps: 10 };
    const form = { 'text_prompts[0][text]': 'a storm', steps: 10 };
    const base = `/v1/generation/${h.engine}`;
    const replies = await Promise.all(
      Array.from({ length: 18 }, (_, i) => {
        if (i % 3 === 0) return textToImage(h.api.url, h.engine, { ...t2i, seed: i + 1 }, { key: u.key });
        if (i % 3 === 1)
          return postForm(h.api.url, `${base}/image-to-image`, { init_image: init, ...form }, { key: u.key });
        return postForm(
          h.api.url,
          `${base}/image-to-image/masking`,
          { init_image: init, mask_image: mask, mask_source: 'MASK_IMAGE_WHITE', ...form },
          { key: u.key },
        );
      }),
    );
    expect(statuses(replies)).toEqual([...Array(5).fill(200), ...Array(13).fill(402)]);
    for (const r of replies) {
      if (r.status === 200) expect(r.body.artifacts).toHaveLength(1);
      else expect(r.body).toMatchObject({ name: 'insufficient_credits' });
    }
    expect((await money(h.prisma, u.id)).credits).toBe(0);
    await expectLedgerSound(u.id);
  }, 180_000);
});

describe('idempotent retries', () => {
  it('one Idempotency-Key sent 20 times at once and 5 times after: one generation, one charge', async () => {
    const u = await user(50);
    const key = { 'idempotency-key': `storm-${randomUUID()}` };
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) => submit(i % 2 ? u.token : u.key, { seed: 5 }, key)),
    );
    const later: Reply<GenerationBody>[] = [];
    for (let i = 0; i < 5; i++) later.push(await submit(u.key, { seed: 5 }, key));
    const all = [...burst, ...later];
    expect(statuses(all)).toEqual(Array(25).fill(202));
    expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
    expect(await h.prisma.generation.count({ where: { userId: u.id } })).toBe(1);
    expect((await money(h.prisma, u.id)).credits).toBe(50 - (burst[0]?.body.cost ?? 0));
    await allFinished(u.token, [burst[0]?.body.id ?? '']);
    await expectLedgerSound(u.id);
  }, 60_000);

  it('retries of one key on the last credit all answer the one generation, never 402', async () => {
    const u = await user(1);
    const key = { 'idempotency-key': `last-credit-${randomUUID()}` };
    const replies = await Promise.all(Array.from({ length: 12 }, () => submit(u.key, { seed: 6 }, key)));
    expect(statuses(replies)).toEqual(Array(12).fill(202));
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect((await money(h.prisma, u.id)).credits).toBe(0);
    await allFinished(u.token, [replies[0]?.body.id ?? '']);
    await expectLedgerSound(u.id);
  }, 60_000);

  it('one key with two different bodies at once: one generation for the winner, 409 for every other body', async () => {
    const u = await user(50);
    const key = { 'idempotency-key': `race-${randomUUID()}` };
    const replies = await Promise.all(
      Array.from({ length: 16 }, (_, i) => submit(u.key, { seed: i % 2 ? 7 : 8 }, key)),
    );
    const ok = replies.filter((r) => r.status === 202);
    const conflicts = replies.filter((r) => r.status === 409);
    expect(ok.length + conflicts.length).toBe(16);
    expect(new Set(ok.map((r) => r.body.id)).size).toBe(1);
    for (const c of conflicts) expect(c.body).toMatchObject({ name: 'idempotency_conflict' });
    // Every request with the winning body got the generation; every request with the other got 409.
    const winningSeed = (await h.prisma.generation.findFirstOrThrow({ where: { userId: u.id } })).params as {
      seed: number;
    };
    const seedOf = (i: number) => (i % 2 ? 7 : 8);
    replies.forEach((r, i) => expect(r.status).toBe(seedOf(i) === winningSeed.seed ? 202 : 409));
    expect(await h.prisma.generation.count({ where: { userId: u.id } })).toBe(1);
    await allFinished(u.token, [ok[0]?.body.id ?? '']);
    await expectLedgerSound(u.id);
  }, 60_000);

  it('20 distinct keys with one body at once on 10 credits: 10 generations, 10 × 402', async () => {
    const u = await user(10);
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        submit(u.key, { seed: 9 }, { 'idempotency-key': `distinct-${randomUUID()}` }),
      ),
    );
    expect(statuses(replies)).toEqual([...Array(10).fill(202), ...Array(10).fill(402)]);
    await allFinished(
      u.token,
      replies.filter((r) => r.status === 202).map((r) => r.body.id),
    );
    await expectLedgerSound(u.id);
  }, 90_000);
});

describe('cancel storms', () => {
  it('20 concurrent cancels of each of 5 generations (one running): each canceled one refunded exactly once', async () => {
    const u = await user(20);
    // A long job keeps the worker busy, so the others are still queued when the cancels arrive.
    const blocker = await submit(u.key, { width: 256, height: 256, steps: 150, sampler: 'euler' });
    await waitFor(async () => {
      const g = await call<GenerationBody>(h.api.url, 'GET', `/api/generations/${blocker.body.id}`, {
        token: u.key,
      });
      return g.body.progress ? true : undefined;
    });
    const queued = await Promise.all(Array.from({ length: 4 }, (_, i) => submit(u.key, { seed: 20 + i })));
    const ids = [blocker, ...queued].map((r) => r.body.id);
    const cancels = await Promise.all(
      ids.flatMap((id) =>
        Array.from({ length: 20 }, () =>
          call<GenerationBody>(h.api.url, 'POST', `/api/generations/${id}/cancel`, { token: u.key }),
        ),
      ),
    );
    expect(cancels.every((r) => r.status === 200)).toBe(true);
    const done = await allFinished(u.token, ids);
    expect(done[0]?.status).toBe('canceled');
    // Once the blocker stops the worker may take a queued job before its cancel lands: that one succeeds, paid.
    expect(done.every((g) => g.status === 'canceled' || g.status === 'succeeded')).toBe(true);
    const kept = done.filter((g) => g.status === 'succeeded').reduce((sum, g) => sum + g.cost, 0);
    await waitFor(async () => ((await money(h.prisma, u.id)).credits === 20 - kept ? true : undefined));
    const refunds = await h.prisma.ledgerEntry.count({ where: { userId: u.id, kind: 'refund' } });
    expect(refunds).toBe(done.filter((g) => g.status === 'canceled').length);
    await expectLedgerSound(u.id);
  }, 90_000);
});

describe('after every storm', () => {
  it('npm run ledger:audit finds the whole test database consistent', async () => {
    expect(await ledgerAuditCli()).toMatch(/ledger audit: \d+ accounts, \d+ entries, 0 mismatches/);
  }, 60_000);
});
