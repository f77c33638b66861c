import { Injectable, Optional } from '@nestjs/common';
import { AuditLogService } from '../audit/audit-log.service.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { ApiMetrics } from '../observability/api-metrics.js';
import { BillingRepository } from './billing.repository.js';
import {
  grantDue,
  mergeFacts,
  pendingReversal,
  type PurchaseFacts,
  type PurchaseState,
} from './purchase-state.js';
import type { PurchaseSeed } from './stripe-events.js';

export interface SettlementTarget {
  sessionId: string;
  /** Inserted first when the purchase row does not exist yet (the event beat our checkout's insert). */
  seed: PurchaseSeed | null;
  /** Facts in the order they apply: e.g. the session looked up for a refund, then the refund. */
  facts: PurchaseFacts[];
}

export type SettlementOutcome =
  | { outcome: 'duplicate' }
  | { outcome: 'ignored' }
  | { outcome: 'processed'; purchaseId: string; granted: number; reversed: number; shortfall: number };

/** The reference of a purchase's grant: one Checkout Session credits once, whatever events say it is paid. */
export const grantReference = (sessionId: string): string => `stripe:checkout:${sessionId}`;
/** A take-back's reference names the cumulative target it brings the purchase to, so each step applies once. */
export const reversalReference = (sessionId: string, target: number): string =>
  `stripe:checkout:${sessionId}:reversal:${target}`;

/**
 * Applies one Stripe event to its purchase in ONE transaction: the purchase row is locked (events of one
 * purchase apply one at a time), the event id is recorded (a redelivery stops there, changing nothing), the
 * facts are merged and the purchase's new state is written with the ledger entries it calls for. A crash
 * anywhere before the commit leaves nothing; after it, Stripe's retry finds the event recorded.
 */
@Injectable()
export class PurchaseSettlementService {
  constructor(
    private readonly repository: BillingRepository,
    private readonly ledger: LedgerService,
    private readonly audit: AuditLogService,
    @Optional() private readonly metrics?: ApiMetrics,
  ) {}

  async apply(
    event: { id: string; type: string; created: number },
    target: SettlementTarget | null,
  ): Promise<SettlementOutcome> {
    let completed: { amountMinor: number; currency: string } | null = null;
    const outcome = await this.repository.transaction(async (tx): Promise<SettlementOutcome> => {
      if (target?.seed) await this.repository.insertPurchase(target.seed, tx);
      const row = target ? await this.repository.lockPurchase(tx, target.sessionId) : null;
      if (!(await this.repository.recordEvent(tx, event, row ? 'processed' : 'ignored', row?.id ?? null))) {
        return { outcome: 'duplicate' };
      }
      if (!target || !row) return { outcome: 'ignored' };

      const now = new Date();
      let state = target.facts.reduce<PurchaseState>((s, facts) => mergeFacts(s, facts, now), row);
      const grant = grantDue(state) ? state.credits : 0;
      if (grant > 0) state = { ...state, creditsGranted: grant };
      const owed = pendingReversal(state);
      const reachedTarget = state.creditsReversed + state.creditsShortfall + owed;

      // Ledger writes last: the balance row stays locked only from them to the commit.
      const entries: string[] = [];
      if (grant > 0) {
        const reference = grantReference(row.stripeCheckoutSessionId);
        const entry = await this.ledger.grant(row.userId, grant, reference, { kind: 'purchase', tx });
        entries.push(entry.id);
        // The audit trail records the purchase in the same transaction: both or neither.
        const paid = { amountMinor: state.amount, currency: state.currency };
        await this.audit.purchase({ userId: row.userId, credits: grant, ...paid, reference }, tx);
        completed = paid;
      }
      let taken = 0;
      if (owed > 0) {
        const result = await this.ledger.takeBack(
          row.userId,
          owed,
          reversalReference(row.stripeCheckoutSessionId, reachedTarget),
          { tx },
        );
        taken = result.taken;
        if (result.entry) entries.push(result.entry.id);
        state = {
          ...state,
          creditsReversed: state.creditsReversed + taken,
          creditsShortfall: state.creditsShortfall + owed - taken,
        };
        if (taken < owed) {
          await this.repository.flagAccount(
            tx,
            row.userId,
            `purchase ${row.id}: ${owed - taken} of ${owed} credits to take back were already spent`,
          );
        }
      }
      await this.repository.savePurchase(tx, row.id, state);
      await this.repository.linkLedgerEntries(tx, row.id, entries);
      return {
        outcome: 'processed',
        purchaseId: row.id,
        granted: grant,
        reversed: taken,
        shortfall: owed - taken,
      };
    });
    // Counted once committed, so a rolled-back delivery and Stripe's retry of it count once.
    if (completed) this.metrics?.purchaseCompleted(completed);
    return outcome;
  }
}
