import type { Purchase } from '@easel/contracts';
import type { PurchaseWithEntries } from '../billing.repository.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A purchase row as GET /api/billing/purchases shows it. */
export function toPurchaseView(p: PurchaseWithEntries): Purchase {
  return {
    id: p.id,
    packId: p.packId,
    credits: p.credits,
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    failureReason: p.failureReason,
    amountRefunded: p.amountRefunded,
    amountDisputed: p.amountDisputed,
    creditsGranted: p.creditsGranted,
    creditsReversed: p.creditsReversed,
    creditsShortfall: p.creditsShortfall,
    stripeCheckoutSessionId: p.stripeCheckoutSessionId,
    stripePaymentIntentId: p.stripePaymentIntentId,
    stripeChargeId: p.stripeChargeId,
    createdAt: p.createdAt.toISOString(),
    paidAt: iso(p.paidAt),
    failedAt: iso(p.failedAt),
    refundedAt: iso(p.refundedAt),
    disputedAt: iso(p.disputedAt),
    ledgerEntries: p.ledgerEntries.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
  };
}
