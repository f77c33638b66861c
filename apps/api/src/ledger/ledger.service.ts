import { randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';

import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { DbTransaction } from '../database/prisma.service.js';
import { decodeLedgerCursor, encodeLedgerCursor } from './ledger-cursor.js';
import {
  InsufficientCreditsError,
  LedgerAccountNotFoundError,
  LedgerArgumentError,
  LedgerReferenceConflictError,
} from './ledger.errors.js';
import { ApiMetrics } from '../observability/api-metrics.js';
import { LedgerRepository, type Movement, type SqlRunner } from './ledger.repository.js';
import type {
  AuditReport,
  GrantOptions,
  LedgerEntryView,
  LedgerPage,
  MovementOptions,
} from './ledger.types.js';

export const MAX_PAGE_SIZE = 100;

/**
 * The credit ledger: every movement changes the balance and appends one entry atomically, and carries a
 * unique reference so that repeating it returns the original entry instead of applying twice.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: LedgerRepository,
    /** Counts credits moved, by kind (easel_credits_total); absent in scripts and benchmarks. */
    @Optional() private readonly metrics?: ApiMetrics,
  ) {}

  /** Creates the user's balance row (0 credits) inside the caller's transaction; no-op when it exists. */
  async openAccount(userId: string, tx: DbTransaction): Promise<void> {
    await this.repository.openAccount(tx, userId);
  }

  grant(
    userId: string,
    amount: number,
    reference: string,
    opts: GrantOptions = {},
  ): Promise<LedgerEntryView> {
    return this.move(userId, amount, opts.kind ?? 'grant', reference, opts);
  }

  /** Throws InsufficientCreditsError (and changes nothing) when the balance is below `amount`. */
  debit(
    userId: string,
    amount: number,
    reference: string,
    opts: MovementOptions = {},
  ): Promise<LedgerEntryView> {
    return this.move(userId, -amount, 'debit', reference, opts, amount);
  }

  /**
   * A debit and the caller's `companion` insert (which selects FROM the `moved` CTE) as one atomic statement:
   * both or neither. Throws like debit (InsufficientCreditsError, …) when the debit cannot apply.
   */
  async debitWith<Row extends object>(
    userId: string,
    amount: number,
    reference: string,
    companion: Prisma.Sql,
  ): Promise<Row> {
    const movement = this.movement(userId, -amount, 'debit', reference);
    const row = await this.repository.applyMovementWith<Row>(movement, companion);
    if (row) {
      this.metrics?.credited('debit', amount);
      return row;
    }
    await this.explainNoEntry(this.prisma, movement, amount);
    // The reference was already recorded by an identical debit: the companion did not run this time.
    throw new LedgerReferenceConflictError(reference);
  }

  refund(
    userId: string,
    amount: number,
    reference: string,
    opts: MovementOptions = {},
  ): Promise<LedgerEntryView> {
    return this.move(userId, amount, 'refund', reference, opts);
  }

  /**
   * Takes back up to `upTo` credits as one `adjustment` entry of -min(balance, upTo): never below zero. Returns
   * what was taken (0 and no entry when the balance is 0). A reference recorded before returns that entry again.
   * Refunds of purchases and negative support adjustments use it; the caller records any part not taken.
   */
  async takeBack(
    userId: string,
    upTo: number,
    reference: string,
    opts: MovementOptions = {},
  ): Promise<{ taken: number; entry: LedgerEntryView | null }> {
    if (!Number.isSafeInteger(upTo) || upTo <= 0) {
      throw new LedgerArgumentError('amount must be a positive safe integer');
    }
    checkReference(reference);
    const t = { id: randomUUID(), userId, upTo, kind: 'adjustment' as const, reference };
    const db = opts.tx ?? this.prisma;
    const result = opts.tx
      ? await this.repository.applyTakeBack(opts.tx, t)
      : await this.repository.applyTakeBackAlone(t);
    if (result.entry) return { taken: result.taken, entry: result.entry };
    // A racing twin recorded the reference first: undo in place (see move).
    if (result.moved && opts.tx) await this.repository.revertBalance(opts.tx, userId, -result.taken);

    const existing = await this.repository.findByReference(db, reference);
    if (existing) {
      if (
        existing.userId !== userId ||
        existing.kind !== t.kind ||
        existing.amount >= 0 ||
        -existing.amount > upTo
      ) {
        throw new LedgerReferenceConflictError(reference);
      }
      const { userId: _userId, ...entry } = existing;
      return { taken: -entry.amount, entry };
    }
    if ((await this.repository.findCredits(db, userId)) === null)
      throw new LedgerAccountNotFoundError(userId);
    return { taken: 0, entry: null };
  }

  async getBalance(userId: string): Promise<number> {
    const credits = await this.repository.balanceOf(userId);
    if (credits === null) throw new LedgerAccountNotFoundError(userId);
    return credits;
  }

  async listEntries(userId: string, page: { cursor?: string; limit: number }): Promise<LedgerPage> {
    const { limit } = page;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new LedgerArgumentError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const before = page.cursor ? decodeLedgerCursor(page.cursor) : null;
    const rows = await this.repository.listEntries(userId, limit + 1, before);
    const data = rows.slice(0, limit);
    const last = data[data.length - 1];
    return { data, nextCursor: rows.length > limit && last ? encodeLedgerCursor(last) : null };
  }

  /** Per account: balance == sum(entries) and every balanceAfter == previous balanceAfter + amount. */
  async audit(): Promise<AuditReport> {
    return this.repository.audit();
  }

  private async move(
    userId: string,
    amount: number,
    kind: Movement['kind'],
    reference: string,
    opts: MovementOptions,
    required = 0,
  ): Promise<LedgerEntryView> {
    const movement = this.movement(userId, amount, kind, reference);

    if (opts.tx) {
      const result = await this.repository.applyMovement(opts.tx, movement);
      // Counted when written: a caller's transaction that rolls back later still counted (rare; the ledger is the truth).
      if (result.entry) return this.counted(result.entry, kind);
      // The caller's transaction must stay usable: undo in place rather than fail it.
      if (result.moved) await this.repository.revertBalance(opts.tx, userId, amount);
      return this.explainNoEntry(opts.tx, movement, required);
    }

    // Without a caller transaction one statement is the whole transaction: no BEGIN/COMMIT round trips.
    const result = await this.repository.applyMovementAlone(movement);
    if (result.entry) return this.counted(result.entry, kind);
    return this.explainNoEntry(this.prisma, movement, required);
  }

  private counted(entry: LedgerEntryView, kind: Movement['kind']): LedgerEntryView {
    this.metrics?.credited(kind, entry.amount);
    return entry;
  }

  private movement(userId: string, amount: number, kind: Movement['kind'], reference: string): Movement {
    if (!Number.isSafeInteger(amount) || amount === 0 || (kind === 'debit') !== amount < 0) {
      throw new LedgerArgumentError('amount must be a positive safe integer');
    }
    checkReference(reference);
    return { id: randomUUID(), userId, amount, kind, reference, requireFunds: kind === 'debit' };
  }

  /** Nothing was written: the reference already exists, the account is missing, or funds are short. */
  private async explainNoEntry(db: SqlRunner, m: Movement, required: number): Promise<LedgerEntryView> {
    const existing = await this.repository.findByReference(db, m.reference);
    if (existing) {
      if (existing.userId !== m.userId || existing.kind !== m.kind || existing.amount !== m.amount) {
        throw new LedgerReferenceConflictError(m.reference);
      }
      const { userId: _userId, ...entry } = existing;
      return entry;
    }
    const credits = await this.repository.findCredits(db, m.userId);
    if (credits === null) throw new LedgerAccountNotFoundError(m.userId);
    if (m.requireFunds) throw new InsufficientCreditsError(m.userId, required, credits);
    throw new Error(`ledger movement ${m.reference} was not applied`);
  }
}

function checkReference(reference: string): void {
  if (reference.length === 0 || reference.length > 200) {
    throw new LedgerArgumentError('reference must be 1..200 characters');
  }
}
