// Refunds and disputes take back the refunded share of the credits, never below zero; what was already spent
// is recorded as a shortfall, the account flagged, and both are visible to the user and the operator.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { expect, it } from 'vitest';
import type { SignedUp } from '../../support/app.js';
import { testDatabaseUrl } from '../../support/database.js';
import { SIGNUP_CREDITS, type BillingHarness } from '../billing-harness.js';

async function paidPurchase(h: BillingHarness, user: SignedUp, packId = 'credits-1000') {
  const session = await h.checkout(user, packId);
  h.stripe.pay(session.id);
  await h.stripe.settled();
  return session;
}

async function spend(h: BillingHarness, user: SignedUp, credits: number): Promise<void> {
  // The ledger call generations make when they are paid for.
  await h.ledger.debit(user.id, credits, `test:spend:${user.id}:${Date.now()}:${credits}`);
}

export function refundCases(harness: () => BillingHarness): void {
  it('partial refunds then the rest: 300 then 700 credits back, partially refunded then refunded', async () => {
    const h = harness();
    const user = await h.user();
    const session = await paidPurchase(h, user);
    const base = new URL(h.stripe.url);
    const stripe = new Stripe(h.stripe.secretKey, { host: base.hostname, port: base.port, protocol: 'http' });
    const intent = (await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
    // Refunds made by an operator through Stripe's API; Stripe tells Easel through charge.refunded.
    await stripe.refunds.create({ payment_intent: intent, amount: 300 });
    await h.stripe.settled();
    expect(await h.purchase(user, session.id)).toMatchObject({
      status: 'partially_refunded',
      amountRefunded: 300,
      creditsReversed: 300,
    });
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS + 700);
    await stripe.refunds.create({ payment_intent: intent });
    await h.stripe.settled();
    const refunded = await h.purchase(user, session.id);
    expect(refunded).toMatchObject({
      status: 'refunded',
      amountRefunded: 1000,
      creditsReversed: 1000,
      creditsShortfall: 0,
    });
    expect(refunded.refundedAt).not.toBeNull();
    expect(refunded.ledgerEntries.map((e) => [e.amount, e.kind, e.reference])).toEqual([
      [1000, 'purchase', `stripe:checkout:${session.id}`],
      [-300, 'adjustment', `stripe:checkout:${session.id}:reversal:300`],
      [-700, 'adjustment', `stripe:checkout:${session.id}:reversal:1000`],
    ]);
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS);
  });

  it('a refund after spending takes back what is left, never below zero, and records the shortfall', async () => {
    const h = harness();
    const user = await h.user();
    const session = await paidPurchase(h, user);
    await spend(h, user, 1100); // 1,200 → 100
    h.stripe.refund(session.id);
    await h.stripe.settled();
    expect(await h.balance(user)).toBe(0);
    const purchase = await h.purchase(user, session.id);
    expect(purchase).toMatchObject({ status: 'refunded', creditsReversed: 100, creditsShortfall: 900 });
    const page = await h.purchases(user);
    expect(page.account).toEqual({ flagged: true, shortfallCredits: 900 });
    expect(h.api.logs.some((l) => l.includes('account flagged') && l.includes(purchase.id))).toBe(true);

    // The operator sees it in the audit output.
    const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'ledger:audit'], {
      cwd: path.resolve(import.meta.dirname, '../../..'),
      env: { ...process.env, DATABASE_URL: testDatabaseUrl() },
    });
    expect(stdout).toMatch(/billing: \d+ accounts? flagged/);
    expect(stdout).toContain(`${user.email}: shortfall 900 credits`);
  });

  it('a partial refund after partial spending: the refunded share, as much as is left', async () => {
    const h = harness();
    const user = await h.user();
    const session = await paidPurchase(h, user, 'credits-5000'); // 5,200
    await spend(h, user, 5000); // 200 left
    h.stripe.refund(session.id, 2250); // half the money: 2,500 credits
    await h.stripe.settled();
    expect(await h.balance(user)).toBe(0);
    expect(await h.purchase(user, session.id)).toMatchObject({
      status: 'partially_refunded',
      creditsReversed: 200,
      creditsShortfall: 2300,
    });
    // The rest of the money back: the other 2,500 credits are owed too, nothing is left to take.
    h.stripe.refund(session.id);
    await h.stripe.settled();
    expect(await h.purchase(user, session.id)).toMatchObject({
      status: 'refunded',
      creditsReversed: 200,
      creditsShortfall: 4800,
    });
  });

  it('a refund racing 50 spends of the same credits never drives the balance negative', async () => {
    const h = harness();
    const user = await h.user();
    const session = await paidPurchase(h, user); // 1,200
    h.stripe.setAutoDeliver(false);
    const refunded = h.stripe.refund(session.id);
    h.stripe.setAutoDeliver(true);
    const spends = Array.from({ length: 50 }, (_, i) =>
      h.ledger.debit(user.id, 20, `test:race:${user.id}:${i}`).then(
        () => 20,
        () => 0,
      ),
    );
    const [results, [delivery]] = await Promise.all([Promise.all(spends), h.stripe.deliver(refunded)]);
    expect(delivery.status).toBe(200);
    const spent = results.reduce((a, b) => a + b, 0);
    const purchase = await h.purchase(user, session.id);
    expect(purchase.creditsReversed + purchase.creditsShortfall).toBe(1000);
    expect(await h.balance(user)).toBe(1200 - spent - purchase.creditsReversed);
    expect(await h.balance(user)).toBeGreaterThanOrEqual(0);
  });

  it('rounds the refunded share up to a whole credit: 1 cent of a $45 pack takes back 2 of 5,000 credits', async () => {
    const h = harness();
    const user = await h.user();
    const session = await paidPurchase(h, user, 'credits-5000');
    h.stripe.refund(session.id, 1);
    await h.stripe.settled();
    expect(await h.purchase(user, session.id)).toMatchObject({
      creditsReversed: 2,
      status: 'partially_refunded',
    });
    h.stripe.refund(session.id);
    await h.stripe.settled();
    expect(await h.purchase(user, session.id)).toMatchObject({ creditsReversed: 5000, status: 'refunded' });
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS);
  });

  it('a dispute takes back the disputed share on top of an earlier refund; status disputed', async () => {
    const h = harness();
    const user = await h.user();
    const session = await paidPurchase(h, user);
    h.stripe.refund(session.id, 400);
    await h.stripe.settled();
    const dispute = h.stripe.dispute(session.id); // the 600 not refunded
    await h.stripe.settled();
    const purchase = await h.purchase(user, session.id);
    expect(purchase).toMatchObject({ status: 'disputed', amountDisputed: 600, creditsReversed: 1000 });
    expect(purchase.disputedAt).not.toBeNull();
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS);
    const [again] = await h.stripe.deliver(dispute, { copies: 3 });
    expect(again.status).toBe(200);
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS);
  });

  it('failed and expired checkouts credit nothing and say why', async () => {
    const h = harness();
    const user = await h.user();
    const failed = await h.checkout(user);
    h.stripe.pay(failed.id, { async: true });
    h.stripe.failAsyncPayment(failed.id);
    const expired = await h.checkout(user);
    h.stripe.expire(expired.id);
    await h.stripe.settled();
    expect(await h.purchase(user, failed.id)).toMatchObject({
      status: 'failed',
      failureReason: 'async_payment_failed',
      creditsGranted: 0,
    });
    expect(await h.purchase(user, expired.id)).toMatchObject({
      status: 'failed',
      failureReason: 'expired',
      creditsGranted: 0,
    });
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS);
    expect((await h.purchases(user)).account).toEqual({ flagged: false, shortfallCredits: 0 });
  });
}
