// What a verified Stripe event means for Easel: which purchase it is about and which facts it adds.
// Only stable fields of the objects are read (ids, amounts, payment_status, metadata we wrote ourselves).
import type Stripe from 'stripe';
import type { PurchaseFacts } from './purchase-state.js';

/** The events the webhook endpoint must be subscribed to; any other type is answered 200 and ignored. */
export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
  'charge.dispute.created',
] as const;

/** Keys of the Checkout Session (and PaymentIntent) metadata Easel writes; support sees them in Stripe too. */
export const METADATA = {
  userId: 'easel_user_id',
  packId: 'easel_pack_id',
  credits: 'easel_credits',
} as const;

/** A purchase row as the session describes it, for when the webhook arrives before (or without) ours. */
export interface PurchaseSeed {
  userId: string;
  packId: string;
  credits: number;
  amount: number;
  currency: string;
  sessionId: string;
  customerId: string | null;
}

export type PurchaseKey =
  | { kind: 'session'; sessionId: string; seed: PurchaseSeed | null }
  | { kind: 'payment_intent'; paymentIntentId: string };

export interface EventEffect {
  key: PurchaseKey;
  facts: PurchaseFacts;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const idOf = (value: string | { id: string } | null | undefined): string | undefined =>
  value === null || value === undefined ? undefined : typeof value === 'string' ? value : value.id;

/** Null: an event type Easel does not handle, or an object that is not one of our purchases' (no payment). */
export function effectOf(event: Stripe.Event): EventEffect | null {
  if (
    event.type === 'checkout.session.completed' ||
    event.type === 'checkout.session.async_payment_succeeded' ||
    event.type === 'checkout.session.async_payment_failed' ||
    event.type === 'checkout.session.expired'
  ) {
    const session = event.data.object;
    if (session.mode !== 'payment') return null;
    const facts = sessionFacts(session);
    if (event.type === 'checkout.session.async_payment_failed') facts.failed = 'async_payment_failed';
    if (event.type === 'checkout.session.expired') facts.failed = 'expired';
    return { key: { kind: 'session', sessionId: session.id, seed: seedOf(session) }, facts };
  }
  if (event.type === 'charge.refunded') {
    const charge = event.data.object;
    const paymentIntentId = idOf(charge.payment_intent);
    if (!paymentIntentId) return null;
    return {
      key: { kind: 'payment_intent', paymentIntentId },
      facts: { paymentIntentId, chargeId: charge.id, amountRefunded: charge.amount_refunded },
    };
  }
  if (event.type === 'charge.dispute.created') {
    const dispute = event.data.object;
    const paymentIntentId = idOf(dispute.payment_intent);
    if (!paymentIntentId) return null;
    return {
      key: { kind: 'payment_intent', paymentIntentId },
      facts: {
        paymentIntentId,
        chargeId: idOf(dispute.charge),
        dispute: { id: dispute.id, amount: dispute.amount },
      },
    };
  }
  // Any other type (the endpoint should not be subscribed to it): answered 200, nothing to do.
  return null;
}

/** Facts a Checkout Session states by itself: paid (only payment_status 'paid' credits), ids. */
export function sessionFacts(session: Stripe.Checkout.Session): PurchaseFacts {
  const facts: PurchaseFacts = {};
  const customerId = idOf(session.customer);
  const paymentIntentId = idOf(session.payment_intent);
  if (customerId) facts.customerId = customerId;
  if (paymentIntentId) facts.paymentIntentId = paymentIntentId;
  if (session.payment_status === 'paid' && session.amount_total !== null && session.currency) {
    facts.paid = { amount: session.amount_total, currency: session.currency };
  }
  return facts;
}

/** The purchase our checkout described in the session's metadata; null for sessions that are not ours. */
export function seedOf(session: Stripe.Checkout.Session): PurchaseSeed | null {
  const m = session.metadata ?? {};
  const userId = m[METADATA.userId];
  const packId = m[METADATA.packId];
  const credits = Number(m[METADATA.credits]);
  if (!userId || !UUID.test(userId) || !packId) return null;
  if (!Number.isSafeInteger(credits) || credits <= 0) return null;
  return {
    userId,
    packId,
    credits,
    amount: session.amount_total ?? 0,
    currency: session.currency ?? 'usd',
    sessionId: session.id,
    customerId: idOf(session.customer) ?? null,
  };
}
