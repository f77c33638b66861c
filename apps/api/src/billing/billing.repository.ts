import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DbTransaction } from '../database/prisma.service.js';
import { PrismaService } from '../database/prisma.service.js';
import type { PurchaseState } from './purchase-state.js';
import type { PurchaseSeed } from './stripe-events.js';

export interface PurchaseRow extends PurchaseState {
  id: string;
  userId: string;
  packId: string;
  stripeCheckoutSessionId: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PurchaseWithEntries extends PurchaseRow {
  ledgerEntries: {
    id: string;
    amount: number;
    kind: 'grant' | 'debit' | 'refund' | 'purchase' | 'adjustment';
    reference: string;
    balanceAfter: number;
    createdAt: Date;
  }[];
}

export interface FlaggedAccount {
  userId: string;
  email: string;
  flaggedAt: Date;
  flagReason: string | null;
  shortfallCredits: number;
}

export type EventOutcome = 'processed' | 'ignored';

/** All SQL of billing: purchases, Stripe customers, processed events, the shortfall flag. No rules here. */
@Injectable()
export class BillingRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: DbTransaction) => Promise<T>): Promise<T> {
    // Duplicate deliveries queue on the event row and the purchase row lock: give them room to wait.
    return this.prisma.$transaction(work, { maxWait: 10_000, timeout: 30_000 });
  }

  async userEmail(userId: string): Promise<string | null> {
    const user = await this.prisma.user.findUnique({ where: { id: userId }, select: { email: true } });
    return user?.email ?? null;
  }

  userByEmail(email: string): Promise<{ id: string } | null> {
    return this.prisma.user.findUnique({ where: { email }, select: { id: true } });
  }

  async credits(tx: DbTransaction, userId: string): Promise<number> {
    const row = await tx.creditBalance.findUniqueOrThrow({ where: { userId }, select: { credits: true } });
    return row.credits;
  }

  async insertAdjustment(
    tx: DbTransaction,
    row: {
      id: string;
      userId: string;
      requested: number;
      applied: number;
      reason: string;
      actor: string;
      ledgerEntryId: string | null;
    },
  ): Promise<void> {
    await tx.creditAdjustment.create({ data: row });
  }

  async stripeCustomerId(userId: string): Promise<string | null> {
    const account = await this.prisma.billingAccount.findUnique({
      where: { userId },
      select: { stripeCustomerId: true },
    });
    return account?.stripeCustomerId ?? null;
  }

  /** Keeps the first customer id ever saved for the user and returns it. */
  async keepStripeCustomerId(userId: string, customerId: string): Promise<string> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO billing_accounts (user_id, stripe_customer_id) VALUES (${userId}::uuid, ${customerId})
      ON CONFLICT (user_id) DO UPDATE
        SET stripe_customer_id = coalesce(billing_accounts.stripe_customer_id, EXCLUDED.stripe_customer_id)
      RETURNING stripe_customer_id AS id`;
    return rows[0].id;
  }

  /** Inserts a pending purchase unless its session is known already or its user does not exist. */
  async insertPurchase(seed: PurchaseSeed, tx?: DbTransaction): Promise<void> {
    await (tx ?? this.prisma).$executeRaw`
      INSERT INTO purchases (id, user_id, pack_id, credits, amount, currency, stripe_checkout_session_id,
                             stripe_customer_id)
      SELECT ${randomUUID()}::uuid, ${seed.userId}::uuid, ${seed.packId}, ${seed.credits}::int, ${seed.amount}::int,
             ${seed.currency}, ${seed.sessionId}, ${seed.customerId}
       WHERE EXISTS (SELECT 1 FROM users WHERE id = ${seed.userId}::uuid)
      ON CONFLICT (stripe_checkout_session_id) DO NOTHING`;
  }

  /** The purchase of a session, locked until the transaction ends: events of one purchase apply one at a time. */
  async lockPurchase(tx: DbTransaction, sessionId: string): Promise<PurchaseRow | null> {
    const rows = await tx.$queryRaw<PurchaseRow[]>`
      SELECT id::text, user_id::text AS "userId", pack_id AS "packId", credits, amount, currency,
             status::text AS status, failure_reason AS "failureReason",
             stripe_checkout_session_id AS "stripeCheckoutSessionId", stripe_customer_id AS "stripeCustomerId",
             stripe_payment_intent_id AS "stripePaymentIntentId", stripe_charge_id AS "stripeChargeId",
             stripe_dispute_id AS "stripeDisputeId", amount_refunded AS "amountRefunded",
             amount_disputed AS "amountDisputed", credits_granted AS "creditsGranted",
             credits_reversed AS "creditsReversed", credits_shortfall AS "creditsShortfall",
             created_at AS "createdAt", updated_at AS "updatedAt", paid_at AS "paidAt", failed_at AS "failedAt",
             refunded_at AS "refundedAt", disputed_at AS "disputedAt"
        FROM purchases WHERE stripe_checkout_session_id = ${sessionId} FOR UPDATE`;
    return rows[0] ?? null;
  }

  async sessionIdOfPaymentIntent(paymentIntentId: string): Promise<string | null> {
    const row = await this.prisma.purchase.findUnique({
      where: { stripePaymentIntentId: paymentIntentId },
      select: { stripeCheckoutSessionId: true },
    });
    return row?.stripeCheckoutSessionId ?? null;
  }

  async savePurchase(tx: DbTransaction, id: string, s: PurchaseState): Promise<void> {
    await tx.purchase.update({
      where: { id },
      data: {
        amount: s.amount,
        currency: s.currency,
        status: s.status,
        failureReason: s.failureReason,
        stripeCustomerId: s.stripeCustomerId,
        stripePaymentIntentId: s.stripePaymentIntentId,
        stripeChargeId: s.stripeChargeId,
        stripeDisputeId: s.stripeDisputeId,
        amountRefunded: s.amountRefunded,
        amountDisputed: s.amountDisputed,
        creditsGranted: s.creditsGranted,
        creditsReversed: s.creditsReversed,
        creditsShortfall: s.creditsShortfall,
        paidAt: s.paidAt,
        failedAt: s.failedAt,
        refundedAt: s.refundedAt,
        disputedAt: s.disputedAt,
        updatedAt: new Date(),
      },
    });
  }

  async linkLedgerEntries(tx: DbTransaction, purchaseId: string, entryIds: string[]): Promise<void> {
    if (entryIds.length === 0) return;
    await tx.purchaseLedgerEntry.createMany({
      data: entryIds.map((ledgerEntryId) => ({ ledgerEntryId, purchaseId })),
      skipDuplicates: true,
    });
  }

  /** False when the event id is recorded already (a redelivery): the caller must change nothing. */
  async recordEvent(
    tx: DbTransaction,
    event: { id: string; type: string; created: number },
    outcome: EventOutcome,
    purchaseId: string | null,
  ): Promise<boolean> {
    const inserted = await tx.$executeRaw`
      INSERT INTO stripe_events (id, type, outcome, purchase_id, stripe_created_at)
      VALUES (${event.id}, ${event.type}, ${outcome}, ${purchaseId}::uuid,
              to_timestamp(${event.created}::double precision))
      ON CONFLICT (id) DO NOTHING`;
    return inserted === 1;
  }

  async eventRecorded(eventId: string): Promise<boolean> {
    return (await this.prisma.stripeEvent.count({ where: { id: eventId } })) > 0;
  }

  async flagAccount(tx: DbTransaction, userId: string, reason: string): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO billing_accounts (user_id, flagged_at, flag_reason) VALUES (${userId}::uuid, now(), ${reason})
      ON CONFLICT (user_id) DO UPDATE
        SET flagged_at = coalesce(billing_accounts.flagged_at, now()), flag_reason = EXCLUDED.flag_reason`;
  }

  /** Newest first; `before` is the (createdAt, id) of the previous page's last purchase. */
  async listPurchases(
    userId: string,
    limit: number,
    before: { createdAt: Date; id: string } | null,
  ): Promise<PurchaseWithEntries[]> {
    const rows = await this.prisma.purchase.findMany({
      where: {
        userId,
        ...(before && {
          OR: [
            { createdAt: { lt: before.createdAt } },
            { createdAt: before.createdAt, id: { lt: before.id } },
          ],
        }),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      include: { ledgerEntries: { include: { ledgerEntry: true } } },
    });
    return rows.map(({ ledgerEntries, ...purchase }) => ({
      ...(purchase as PurchaseRow),
      ledgerEntries: ledgerEntries
        .map(({ ledgerEntry: e }) => ({
          id: e.id,
          amount: e.amount,
          kind: e.kind,
          reference: e.reference,
          balanceAfter: e.balanceAfter,
          createdAt: e.createdAt,
        }))
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id)),
    }));
  }

  async accountState(userId: string): Promise<{ flagged: boolean; shortfallCredits: number }> {
    const [account, shortfall] = await Promise.all([
      this.prisma.billingAccount.findUnique({ where: { userId }, select: { flaggedAt: true } }),
      this.prisma.purchase.aggregate({ where: { userId }, _sum: { creditsShortfall: true } }),
    ]);
    return { flagged: Boolean(account?.flaggedAt), shortfallCredits: shortfall._sum.creditsShortfall ?? 0 };
  }

  /** For operators (npm run ledger:audit): accounts flagged for a shortfall, the most recent first. */
  async flaggedAccounts(limit: number): Promise<{ total: number; accounts: FlaggedAccount[] }> {
    const [total, accounts] = await Promise.all([
      this.prisma.billingAccount.count({ where: { flaggedAt: { not: null } } }),
      this.prisma.$queryRaw<FlaggedAccount[]>`
        SELECT a.user_id::text AS "userId", u.email, a.flagged_at AS "flaggedAt", a.flag_reason AS "flagReason",
               coalesce((SELECT sum(credits_shortfall) FROM purchases p WHERE p.user_id = a.user_id), 0)::int
                 AS "shortfallCredits"
          FROM billing_accounts a JOIN users u ON u.id = a.user_id
         WHERE a.flagged_at IS NOT NULL
         ORDER BY a.flagged_at DESC, a.user_id
         LIMIT ${limit}::int`,
    ]);
    return { total, accounts };
  }
}
