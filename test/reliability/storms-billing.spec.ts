/**
 * Payment storms: concurrent purchases whose really signed Stripe webhooks (test/support/stripe-server) arrive
 * many times at once, while the same users spend on generations. Every purchase credits once, nothing goes below
 * zero, and the ledger audit stays clean.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createKey } from '../support/app.js';
import {
  startStripeTestServer,
  type StripeTestServer,
  type TestEvent,
} from '../support/stripe-server/index.js';
import {
  finished,
  startGenerationsHarness,
  type GenerationBody,
  type GenerationsHarness,
} from '../generations/generations-harness.js';
import { auditMismatches, ledgerAuditCli, money, referenceProblems } from './ledger-checks.js';

const COPIES = 10;
const PACK = { id: 'credits-1000', credits: 1000 };

let h: GenerationsHarness;
let stripe: StripeTestServer;

beforeAll(async () => {
  // The test delivers every event itself, in storms.
  stripe = await startStripeTestServer({ autoDeliver: false });
  h = await startGenerationsHarness({ ...stripe.env, PUBLIC_URL: 'http://dashboard.test' });
  stripe.setWebhookUrl(`${h.api.url}/api/billing/stripe/webhook`);
}, 120_000);
afterAll(async () => {
  await stripe?.close();
  await h?.close();
});

async function checkout(token: string, headers: Record<string, string> = {}): Promise<string> {
  const reply = await call<{ id: string }>(h.api.url, 'POST', '/api/billing/checkout', {
    token,
    json: { packId: PACK.id },
    headers,
  });
  if (reply.status !== 201) throw new Error(`checkout: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.id;
}

/** Delivers every event COPIES times, all at once; returns each delivery's outcome per event. */
async function storm(events: TestEvent[]): Promise<Map<string, string[]>> {
  const results = await Promise.all(events.map((e) => stripe.deliver(e, { copies: COPIES })));
  const outcomes = new Map<string, string[]>();
  results.forEach((deliveries, i) => {
    for (const d of deliveries) expect(d.status).toBe(200);
    outcomes.set(events[i]?.id ?? '', deliveries.map((d) => (d.body as { outcome: string }).outcome).sort());
  });
  return outcomes;
}

async function purchaseEntries(userId: string): Promise<Array<{ reference: string; amount: number }>> {
  return h.prisma.$queryRaw`SELECT reference, amount FROM ledger_entries
    WHERE user_id = ${userId}::uuid AND reference LIKE 'stripe:%'`;
}

async function expectLedgerSound(userIds: string[]): Promise<void> {
  for (const id of userIds) {
    const m = await money(h.prisma, id);
    expect(m.lowest).toBeGreaterThanOrEqual(0);
    expect(m.sum).toBe(m.credits);
  }
  expect(await auditMismatches(h.prisma, userIds)).toEqual([]);
  expect(await referenceProblems(h.prisma, userIds)).toEqual([]);
}

describe('duplicated payment webhooks', () => {
  it(`3 users × 4 concurrent purchases, each webhook delivered ${COPIES} times at once: each credited once`, async () => {
    const users = await Promise.all([h.user(0), h.user(0), h.user(0)]);
    const sessions = await Promise.all(
      users.flatMap((u) => Array.from({ length: 4 }, () => checkout(u.token))),
    );
    const events = sessions.map((id) => stripe.pay(id));
    const outcomes = await storm(events);
    for (const list of outcomes.values())
      expect(list).toEqual([...Array(COPIES - 1).fill('duplicate'), 'processed']);
    for (const u of users) {
      expect((await money(h.prisma, u.id)).credits).toBe(4 * PACK.credits);
      expect(await purchaseEntries(u.id)).toHaveLength(4);
    }
    const rows = await h.prisma.stripeEvent.count({ where: { id: { in: events.map((e) => e.id) } } });
    expect(rows).toBe(events.length);
    await expectLedgerSound(users.map((u) => u.id));
  }, 60_000);

  it('one Idempotency-Key on 10 concurrent checkouts: one session, paid once', async () => {
    const u = await h.user(0);
    const key = { 'idempotency-key': `checkout-${randomUUID()}` };
    const ids = await Promise.all(Array.from({ length: 10 }, () => checkout(u.token, key)));
    expect(new Set(ids).size).toBe(1);
    await storm([stripe.pay(ids[0] ?? '')]);
    expect((await money(h.prisma, u.id)).credits).toBe(PACK.credits);
    await expectLedgerSound([u.id]);
  });

  it('spending while the payment arrives (20 generations on 2 credits racing 10 copies of the webhook)', async () => {
    const u = await h.user(2);
    const { key } = await createKey(h.api.url, u.token, 'storm');
    const session = await checkout(u.token);
    const paid = stripe.pay(session);
    const [replies] = await Promise.all([
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          call<GenerationBody>(h.api.url, 'POST', '/api/generations', {
            token: key,
            json: { engine: h.engine, prompt: 'bought and spent', steps: 3, seed: i + 1 },
          }),
        ),
      ),
      storm([paid]),
    ]);
    const accepted = replies.filter((r) => r.status === 202);
    expect(replies.every((r) => r.status === 202 || r.status === 402)).toBe(true);
    // The two credits held before are spent whatever the order; more only after the purchase landed.
    expect(accepted.length).toBeGreaterThanOrEqual(2);
    expect((await money(h.prisma, u.id)).credits).toBe(2 + PACK.credits - accepted.length);
    await Promise.all(accepted.map((r) => finished(h.api.url, u.token, r.body.id, 90_000)));
    await expectLedgerSound([u.id]);
  }, 120_000);

  it('a full refund storm racing 100 purchases of 10 credits: taken back once, never below zero, the rest a shortfall', async () => {
    const u = await h.user(0);
    const { key } = await createKey(h.api.url, u.token, 'storm');
    const session = await checkout(u.token);
    await storm([stripe.pay(session)]);
    const refund = stripe.refund(session);
    const [replies] = await Promise.all([
      Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          call<GenerationBody>(h.api.url, 'POST', '/api/generations', {
            token: key,
            json: { engine: h.engine, prompt: 'spent before the refund', steps: 3, samples: 10, seed: i + 1 },
          }),
        ),
      ),
      storm([refund]),
    ]);
    const accepted = replies.filter((r) => r.status === 202);
    expect(replies.every((r) => r.status === 202 || r.status === 402)).toBe(true);
    const spent = accepted.reduce((sum, r) => sum + r.body.cost, 0);
    const takeBacks = (await purchaseEntries(u.id)).filter((e) => e.amount < 0);
    expect(takeBacks.length).toBeLessThanOrEqual(1);
    const taken = takeBacks[0] ? -takeBacks[0].amount : 0;
    expect((await money(h.prisma, u.id)).credits).toBe(PACK.credits - spent - taken);
    const purchases = await call<{ data: Array<Record<string, unknown>> }>(
      h.api.url,
      'GET',
      '/api/billing/purchases',
      { token: u.token },
    );
    expect(purchases.body.data[0]).toMatchObject({
      creditsReversed: taken,
      creditsShortfall: PACK.credits - taken,
    });
    // Stop what is still queued (refunded), so the worker is free for the other files' cases.
    await Promise.all(
      accepted.map((r) => call(h.api.url, 'POST', `/api/generations/${r.body.id}/cancel`, { token: key })),
    );
    await Promise.all(accepted.map((r) => finished(h.api.url, u.token, r.body.id, 90_000)));
    await expectLedgerSound([u.id]);
  }, 120_000);
});

describe('after every payment storm', () => {
  it('npm run ledger:audit finds the whole test database consistent', async () => {
    expect(await ledgerAuditCli()).toMatch(/ledger audit: \d+ accounts, \d+ entries, 0 mismatches/);
  }, 60_000);
});
