// The rules of a purchase, free of I/O: what Stripe's events say (facts that only move forward), the
// status they add up to, and how many credits a refund or dispute takes back.
import type { PurchaseStatus } from '@easel/contracts';

export type FailureReason = 'async_payment_failed' | 'expired';

/** The purchase columns the rules read and write (see prisma/schema.prisma, model Purchase). */
export interface PurchaseState {
  credits: number;
  amount: number;
  currency: string;
  status: PurchaseStatus;
  failureReason: FailureReason | null;
  stripeCustomerId: string | null;
  stripePaymentIntentId: string | null;
  stripeChargeId: string | null;
  stripeDisputeId: string | null;
  amountRefunded: number;
  amountDisputed: number;
  creditsGranted: number;
  creditsReversed: number;
  creditsShortfall: number;
  paidAt: Date | null;
  failedAt: Date | null;
  refundedAt: Date | null;
  disputedAt: Date | null;
}

/**
 * What one Stripe event tells about a purchase. Each fact is monotonic (paid stays paid, refunded amounts only
 * grow), so merging them in any order, any number of times, gives the same purchase.
 */
export interface PurchaseFacts {
  /** The session is paid: what was charged. */
  paid?: { amount: number; currency: string };
  failed?: FailureReason;
  customerId?: string;
  paymentIntentId?: string;
  chargeId?: string;
  /** Cumulative (Charge.amount_refunded), not this refund alone. */
  amountRefunded?: number;
  dispute?: { id: string; amount: number };
}

export function mergeFacts(state: PurchaseState, facts: PurchaseFacts, now: Date): PurchaseState {
  const next = { ...state };
  next.stripeCustomerId ??= facts.customerId ?? null;
  next.stripePaymentIntentId ??= facts.paymentIntentId ?? null;
  next.stripeChargeId ??= facts.chargeId ?? null;
  if (facts.paid && !state.paidAt) {
    next.paidAt = now;
    next.amount = facts.paid.amount;
    next.currency = facts.paid.currency;
  }
  if (facts.failed && !state.failedAt) {
    next.failedAt = now;
    next.failureReason = facts.failed;
  }
  if (facts.amountRefunded !== undefined && facts.amountRefunded > state.amountRefunded) {
    next.amountRefunded = facts.amountRefunded;
    next.refundedAt = now;
  }
  if (facts.dispute && state.stripeDisputeId === null) {
    next.stripeDisputeId = facts.dispute.id;
    next.amountDisputed = facts.dispute.amount;
    next.disputedAt = now;
  }
  next.status = statusOf(next);
  return next;
}

/** Payment dominates failure (money was received); a dispute dominates refunds. */
export function statusOf(s: PurchaseState): PurchaseStatus {
  if (s.paidAt) {
    if (s.stripeDisputeId) return 'disputed';
    if (s.amountRefunded >= s.amount) return 'refunded';
    if (s.amountRefunded > 0) return 'partially_refunded';
    return 'paid';
  }
  return s.failedAt ? 'failed' : 'pending';
}

/**
 * Credits that refunds and disputes of `reversedAmount` (cumulative, minor units) take back from a purchase of
 * `credits` for `amount`: the refunded share of the credits rounded UP to a whole credit,
 * ceil(credits × reversed / amount), so the customer never keeps a credit whose money went back. Computed on
 * the cumulative amount, never per refund, so partial refunds add up to exactly `credits` once all is
 * refunded and rounding never accumulates. Exact integer arithmetic (BigInt).
 */
export function creditsToReverse(credits: number, amount: number, reversedAmount: number): number {
  if (reversedAmount <= 0) return 0;
  if (amount <= 0 || reversedAmount >= amount) return credits;
  const numerator = BigInt(credits) * BigInt(reversedAmount);
  const denominator = BigInt(amount);
  return Number((numerator + denominator - 1n) / denominator);
}

/** Credits still to take back now: the target for everything refunded or disputed, less what was handled. */
export function pendingReversal(s: PurchaseState): number {
  if (s.creditsGranted === 0) return 0;
  const target = creditsToReverse(s.credits, s.amount, s.amountRefunded + s.amountDisputed);
  return Math.max(0, target - s.creditsReversed - s.creditsShortfall);
}

/** The grant is due once the purchase is paid and not yet credited. */
export function grantDue(s: PurchaseState): boolean {
  return s.paidAt !== null && s.creditsGranted === 0;
}
