import { describe, expect, it } from 'vitest';
import {
  creditsToReverse,
  grantDue,
  mergeFacts,
  pendingReversal,
  type PurchaseFacts,
  type PurchaseState,
} from './purchase-state.js';

const pending = (over: Partial<PurchaseState> = {}): PurchaseState => ({
  credits: 1000,
  amount: 1000,
  currency: 'usd',
  status: 'pending',
  failureReason: null,
  stripeCustomerId: null,
  stripePaymentIntentId: null,
  stripeChargeId: null,
  stripeDisputeId: null,
  amountRefunded: 0,
  amountDisputed: 0,
  creditsGranted: 0,
  creditsReversed: 0,
  creditsShortfall: 0,
  paidAt: null,
  failedAt: null,
  refundedAt: null,
  disputedAt: null,
  ...over,
});
const t0 = new Date('2026-12-01T00:00:00Z');

describe('creditsToReverse', () => {
  it('takes back the refunded share, rounded up to a whole credit', () => {
    expect(creditsToReverse(1000, 1000, 0)).toBe(0);
    expect(creditsToReverse(1000, 1000, 300)).toBe(300);
    expect(creditsToReverse(5000, 4500, 1)).toBe(2); // 1.11 → 2
    expect(creditsToReverse(5000, 4500, 900)).toBe(1000);
    expect(creditsToReverse(25000, 20000, 333)).toBe(417); // 416.25 → 417
    expect(creditsToReverse(1000, 1000, 1000)).toBe(1000);
    expect(creditsToReverse(1000, 1000, 5000)).toBe(1000); // never more than the purchase
  });

  it('partial refunds add up to exactly the whole purchase, whatever the steps', () => {
    for (const [credits, amount] of [
      [5000, 4500],
      [25000, 20000],
      [7, 999],
      [10_000_000, 99_999_999],
    ]) {
      let refunded = 0;
      let reversed = 0;
      for (const step of [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]) {
        refunded = Math.min(amount, refunded + step * 17);
        const target = creditsToReverse(credits, amount, refunded);
        expect(target).toBeGreaterThanOrEqual(reversed);
        reversed = target;
      }
      expect(creditsToReverse(credits, amount, amount)).toBe(credits);
    }
  });

  it('is exact where floating point is not', () => {
    // 10,000,000 × 99,999,998 exceeds 2^53; the rounding must still be exact.
    expect(creditsToReverse(10_000_000, 99_999_999, 99_999_998)).toBe(10_000_000);
    expect(creditsToReverse(10_000_000, 99_999_999, 1)).toBe(1);
  });
});

describe('mergeFacts', () => {
  const paid: PurchaseFacts = { paid: { amount: 1000, currency: 'usd' }, paymentIntentId: 'pi_1' };

  it('pending → paid → partially refunded → refunded; the grant is due once', () => {
    const p1 = mergeFacts(pending(), paid, t0);
    expect(p1).toMatchObject({ status: 'paid', paidAt: t0, stripePaymentIntentId: 'pi_1' });
    expect(grantDue(p1)).toBe(true);
    const granted = { ...p1, creditsGranted: 1000 };
    expect(grantDue(granted)).toBe(false);
    const p2 = mergeFacts(granted, { amountRefunded: 250, chargeId: 'ch_1' }, t0);
    expect(p2.status).toBe('partially_refunded');
    expect(pendingReversal(p2)).toBe(250);
    const p3 = mergeFacts({ ...p2, creditsReversed: 250 }, { amountRefunded: 1000 }, t0);
    expect(p3.status).toBe('refunded');
    expect(pendingReversal(p3)).toBe(750);
  });

  it('is order-independent and idempotent: a stale refund amount never lowers a newer one', () => {
    const facts: PurchaseFacts[] = [paid, { amountRefunded: 600 }, { amountRefunded: 200 }, paid];
    const forward = facts.reduce((s, f) => mergeFacts(s, f, t0), pending());
    const backward = [...facts].reverse().reduce((s, f) => mergeFacts(s, f, t0), pending());
    expect(forward).toEqual(backward);
    expect(forward.amountRefunded).toBe(600);
  });

  it('a refund known before the payment is taken back once the purchase is paid and granted', () => {
    const refundedFirst = mergeFacts(pending(), { amountRefunded: 1000 }, t0);
    expect(refundedFirst.status).toBe('pending');
    expect(pendingReversal(refundedFirst)).toBe(0); // nothing granted yet
    const thenPaid = { ...mergeFacts(refundedFirst, paid, t0), creditsGranted: 1000 };
    expect(thenPaid.status).toBe('refunded');
    expect(pendingReversal(thenPaid)).toBe(1000);
  });

  it('a dispute takes back the disputed share on top of earlier refunds, capped at the purchase', () => {
    const s = { ...mergeFacts(pending(), paid, t0), creditsGranted: 1000 };
    const refunded = { ...mergeFacts(s, { amountRefunded: 400 }, t0), creditsReversed: 400 };
    const disputed = mergeFacts(refunded, { dispute: { id: 'dp_1', amount: 600 } }, t0);
    expect(disputed.status).toBe('disputed');
    expect(pendingReversal(disputed)).toBe(600);
    // A second dispute event for the same charge changes nothing.
    expect(mergeFacts(disputed, { dispute: { id: 'dp_1', amount: 600 } }, t0)).toEqual(disputed);
  });

  it('counts the shortfall as handled: what could not be taken back is not asked for again', () => {
    const s = { ...mergeFacts(pending(), paid, t0), creditsGranted: 1000 };
    const refunded = mergeFacts(s, { amountRefunded: 1000 }, t0);
    expect(pendingReversal({ ...refunded, creditsReversed: 300, creditsShortfall: 700 })).toBe(0);
  });

  it('a failure marks an unpaid purchase failed; payment wins over failure', () => {
    const failed = mergeFacts(pending(), { failed: 'async_payment_failed' }, t0);
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'async_payment_failed' });
    expect(mergeFacts(failed, paid, t0).status).toBe('paid');
    expect(mergeFacts(mergeFacts(pending(), paid, t0), { failed: 'expired' }, t0).status).toBe('paid');
  });
});
