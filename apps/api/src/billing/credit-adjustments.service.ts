import { randomUUID } from 'node:crypto';
import { normalizeEmail } from '@easel/contracts';
import { Injectable } from '@nestjs/common';
import { InvalidRequestError, NotFoundError } from '../common/domain-errors.js';
import { AuditLogService } from '../audit/audit-log.service.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { BillingRepository } from './billing.repository.js';

export const MAX_ADJUSTMENT = 10_000_000;

export interface AdjustmentRequest {
  email: string;
  /** Positive grants, negative takes back (at most the balance). */
  credits: number;
  reason: string;
  /** Who made it (the operator's login name for the command-line tool). */
  actor: string;
}

export interface AdjustmentResult {
  id: string;
  userId: string;
  email: string;
  requested: number;
  /** What moved: `requested` for a grant; for a take-back between `requested` and 0 (never below zero). */
  applied: number;
  balanceAfter: number;
  /** The ledger entry's reference (adjustment:<id>); null when a take-back found nothing to take. */
  reference: string | null;
}

/** Support's credit adjustments (`npm run credits:grant`): a ledger entry of its own and a record of why. */
@Injectable()
export class CreditAdjustmentsService {
  constructor(
    private readonly repository: BillingRepository,
    private readonly ledger: LedgerService,
    private readonly audit: AuditLogService,
  ) {}

  async adjust(request: AdjustmentRequest): Promise<AdjustmentResult> {
    const { credits } = request;
    if (!Number.isSafeInteger(credits) || credits === 0 || Math.abs(credits) > MAX_ADJUSTMENT) {
      throw new InvalidRequestError(
        `credits must be a non-zero whole number of at most ${MAX_ADJUSTMENT} either way`,
      );
    }
    const reason = request.reason.trim();
    if (reason.length === 0 || reason.length > 500)
      throw new InvalidRequestError('a reason of 1 to 500 characters is required');
    const email = normalizeEmail(request.email);
    const user = await this.repository.userByEmail(email);
    if (!user) throw new NotFoundError(`no user with email ${email}`);

    const id = randomUUID();
    const reference = `adjustment:${id}`;
    return this.repository.transaction(async (tx) => {
      let applied: number;
      let entry: { id: string; balanceAfter: number; reference: string } | null;
      if (credits > 0) {
        entry = await this.ledger.grant(user.id, credits, reference, { kind: 'adjustment', tx });
        applied = credits;
      } else {
        const result = await this.ledger.takeBack(user.id, -credits, reference, { tx });
        entry = result.entry;
        applied = 0 - result.taken; // not -0
      }
      await this.repository.insertAdjustment(tx, {
        id,
        userId: user.id,
        requested: credits,
        applied,
        reason,
        actor: request.actor,
        ledgerEntryId: entry?.id ?? null,
      });
      await this.audit.supportGrant(
        {
          userId: user.id,
          credits: applied,
          operator: request.actor,
          reason,
          reference: entry?.reference ?? reference,
        },
        tx,
      );
      const balanceAfter = entry?.balanceAfter ?? (await this.repository.credits(tx, user.id));
      return {
        id,
        userId: user.id,
        email,
        requested: credits,
        applied,
        balanceAfter,
        reference: entry?.reference ?? null,
      };
    });
  }
}
