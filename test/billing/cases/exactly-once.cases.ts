// One purchase credits once however Stripe delivers: duplicates at once, out of order, late, and around a
// crash (the API's database connection dies mid-transaction; the answer is lost after the commit).
import Stripe from 'stripe';
import { expect, it } from 'vitest';
import type { SignedUp } from '../../support/app.js';
import type { TestEvent } from '../../support/stripe-server/index.js';
import { eventually, SIGNUP_CREDITS, type BillingHarness } from '../billing-harness.js';
import { sample, scrape } from '../../support/prometheus.js';

const DUPLICATES = 10;

/** Runs `work` with automatic delivery off: the test delivers the events itself, in its own order. */
function held<T>(h: BillingHarness, work: () => T): T {
  h.stripe.setAutoDeliver(false);
  try {
    return work();
  } finally {
    h.stripe.setAutoDeliver(true);
  }
}

async function purchaseEntries(h: BillingHarness, user: SignedUp, sessionId: string) {
  return (await h.entries(user.id)).filter((e) => e.reference.startsWith(`stripe:checkout:${sessionId}`));
}

/**
 * Locks the user's balance row from a second connection, calls `start` (which delivers an event), waits
 * until the API's webhook transaction is blocked at its ledger write behind that lock, runs `during` with
 * the API's backend pid, then releases the lock.
 */
async function withBalanceLocked(
  h: BillingHarness,
  userId: string,
  start: () => void,
  during: (apiPid: number) => Promise<void>,
): Promise<void> {
  await h.prisma.$transaction(
    async (tx) => {
      const [{ pid }] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      await tx.$queryRaw`SELECT credits FROM credit_balances WHERE user_id = ${userId}::uuid FOR UPDATE`;
      start();
      const apiPid = await eventually(async () => {
        const rows = await h.prisma.$queryRaw<{ pid: number }[]>`
          SELECT pid FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`;
        return rows[0]?.pid;
      });
      await during(apiPid);
    },
    { timeout: 30_000 },
  );
}

export function exactlyOnceCases(harness: () => BillingHarness): void {
  it(`${DUPLICATES} identical deliveries at once credit once: one processed, the rest duplicates, all 200`, async () => {
    const h = harness();
    const user = await h.user();
    const session = await h.checkout(user);
    const event = held(h, () => h.stripe.pay(session.id));
    const purchasesCounted = async (): Promise<number> =>
      sample(await scrape(h.api.metricsUrl!), 'easel_purchases_total', { currency: 'usd' }) ?? 0;
    const countedBefore = await purchasesCounted();
    const results = await h.stripe.deliver(event, { copies: DUPLICATES });
    expect(results.map((r) => r.status)).toEqual(Array(DUPLICATES).fill(200));
    const outcomes = results.map((r) => (r.body as { outcome: string }).outcome).sort();
    expect(outcomes).toEqual([...Array(DUPLICATES - 1).fill('duplicate'), 'processed']);
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS + 1000);
    expect(await h.eventRows(event.id)).toEqual([{ id: event.id, outcome: 'processed' }]);
    expect(await purchaseEntries(h, user, session.id)).toHaveLength(1);
    expect(await h.prisma.auditEvent.count({ where: { userId: user.id, action: 'credits.purchased' } })).toBe(
      1,
    );
    expect((await purchasesCounted()) - countedBefore).toBe(1);
  });

  it('completion and async success, each delivered many times at once, credit once', async () => {
    const h = harness();
    const user = await h.user();
    const session = await h.checkout(user);
    const [completed, succeeded] = held(h, () => [
      h.stripe.pay(session.id, { async: true }),
      h.stripe.succeedAsyncPayment(session.id),
    ]);
    expect(completed.data.object.payment_status).toBe('unpaid');
    await Promise.all([
      h.stripe.deliver(completed, { copies: DUPLICATES }),
      h.stripe.deliver(succeeded, { copies: DUPLICATES }),
    ]);
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS + 1000);
    expect(await purchaseEntries(h, user, session.id)).toHaveLength(1);
    expect((await h.purchase(user, session.id)).status).toBe('paid');
  });

  it('a refund delivered before the payment: the session is looked up, credited and taken back once', async () => {
    const h = harness();
    const user = await h.user();
    const session = await h.checkout(user);
    const [completed, partial, rest] = held(h, () => [
      h.stripe.pay(session.id),
      h.stripe.refund(session.id, 300),
      h.stripe.refund(session.id),
    ]);
    // Newest first, then the oldest, each twice: every order must end the same.
    for (const event of [rest, partial, completed, rest, partial, completed]) {
      const [r] = await h.stripe.deliver(event);
      expect(r.status).toBe(200);
    }
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS);
    expect((await purchaseEntries(h, user, session.id)).map((e) => e.amount)).toEqual([1000, -1000]);
    expect(await h.purchase(user, session.id)).toMatchObject({
      status: 'refunded',
      amountRefunded: 1000,
      creditsGranted: 1000,
      creditsReversed: 1000,
      creditsShortfall: 0,
    });
  });

  it('refund and completion racing each other, ten copies each, end in one grant and one take-back', async () => {
    const h = harness();
    const user = await h.user();
    const session = await h.checkout(user);
    const [completed, refunded] = held(h, () => [h.stripe.pay(session.id), h.stripe.refund(session.id, 400)]);
    await Promise.all([
      h.stripe.deliver(refunded, { copies: DUPLICATES }),
      h.stripe.deliver(completed, { copies: DUPLICATES, delayMs: 5 }),
    ]);
    expect((await purchaseEntries(h, user, session.id)).map((e) => e.amount).sort()).toEqual([-400, 1000]);
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS + 600);
  });

  it('a late duplicate (delayed delivery of an old event) changes nothing', async () => {
    const h = harness();
    const user = await h.user();
    const session = await h.checkout(user);
    const completed = h.stripe.pay(session.id);
    await h.stripe.settled();
    const [late] = await h.stripe.deliver(completed, { delayMs: 300 });
    expect(late.body).toEqual({ received: true, outcome: 'duplicate' });
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS + 1000);
  });

  it('the webhook arrives before Easel recorded the purchase (a crash after creating the session): credited from the metadata', async () => {
    const h = harness();
    const user = await h.user();
    const base = new URL(h.stripe.url);
    const stripe = new Stripe(h.stripe.secretKey, { host: base.hostname, port: base.port, protocol: 'http' });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      metadata: {
        easel_user_id: user.id,
        easel_pack_id: 'credits-5000',
        easel_credits: '5000',
      },
      line_items: [
        { quantity: 1, price_data: { currency: 'usd', unit_amount: 4500, product_data: { name: 'x' } } },
      ],
      success_url: 'http://dashboard.test/credits',
    });
    h.stripe.pay(session.id);
    await h.stripe.settled();
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS + 5000);
    expect(await h.purchase(user, session.id)).toMatchObject({
      status: 'paid',
      credits: 5000,
      amount: 4500,
    });
  });

  it('the database connection dies between the ledger write and the commit: nothing stays, Stripe’s retry credits once', async () => {
    const h = harness();
    const user = await h.user();
    const session = await h.checkout(user);
    const completed: TestEvent = held(h, () => h.stripe.pay(session.id));
    let first: ReturnType<typeof h.stripe.deliver> | undefined;
    await withBalanceLocked(
      h,
      user.id,
      () => {
        first = h.stripe.deliver(completed);
      },
      async (apiPid) => {
        // The API's transaction (event recorded, purchase locked) waits at the ledger write: kill its connection.
        await h.prisma.$queryRaw`SELECT pg_terminate_backend(${apiPid}::int)`;
      },
    );
    const [crashed] = await first!;
    // A lost database connection is an outage, not a bug: 503 (Stripe retries any 5xx).
    expect(crashed.status).toBe(503);
    expect(await h.eventRows(completed.id)).toEqual([]);
    expect(await purchaseEntries(h, user, session.id)).toEqual([]);
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS);

    const [retry] = await h.stripe.deliver(completed);
    expect(retry.body).toEqual({ received: true, outcome: 'processed' });
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS + 1000);
  });

  it('the answer is lost after the commit (Stripe gave up waiting): the retry is a duplicate and credits nothing more', async () => {
    const h = harness();
    const user = await h.user();
    const session = await h.checkout(user);
    const completed = held(h, () => h.stripe.pay(session.id));
    let first: ReturnType<typeof h.stripe.deliver> | undefined;
    await withBalanceLocked(
      h,
      user.id,
      () => {
        first = h.stripe.deliver(completed, { timeoutMs: 200 });
      },
      async () => {
        const [gaveUp] = await first!;
        expect(gaveUp.status).toBeNull();
        expect(await purchaseEntries(h, user, session.id)).toEqual([]);
      },
    );
    // The lock is gone: the API's transaction commits although nobody hears the answer.
    await eventually(async () =>
      (await purchaseEntries(h, user, session.id)).length === 1 ? true : undefined,
    );
    const [retry] = await h.stripe.deliver(completed);
    expect(retry.body).toEqual({ received: true, outcome: 'duplicate' });
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS + 1000);
  });

  it('ten purchases of one user paid at once: each credited once', async () => {
    const h = harness();
    const user = await h.user();
    const sessions = await Promise.all(Array.from({ length: 10 }, () => h.checkout(user)));
    for (const s of sessions) h.stripe.pay(s.id);
    await h.stripe.settled();
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS + 10_000);
    const customers = new Set(sessions.map((s) => h.stripe.store.sessions.get(s.id)!.customer));
    expect(customers.size).toBe(1);
  });
}
