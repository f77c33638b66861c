import type { DbTransaction } from '../database/prisma.service.js';

export type LedgerKind = 'grant' | 'debit' | 'refund' | 'purchase' | 'adjustment';
export type GrantKind = Extract<LedgerKind, 'grant' | 'purchase' | 'adjustment'>;

/** One append-only ledger entry; `amount` is signed (debits negative). */
export interface LedgerEntryView {
  id: string;
  amount: number;
  kind: LedgerKind;
  reference: string;
  balanceAfter: number;
  createdAt: Date;
}

export interface LedgerPage {
  data: LedgerEntryView[];
  /** Opaque; pass back as `cursor` for the next (older) page. Null on the last page. */
  nextCursor: string | null;
}

export interface MovementOptions {
  /** Run inside the caller's interactive transaction instead of a new one. */
  tx?: DbTransaction;
}

export interface GrantOptions extends MovementOptions {
  kind?: GrantKind;
}

export interface AuditMismatch {
  userId: string;
  /** Null when entries exist for a user without a balance row. */
  credits: number | null;
  sumOfEntries: number;
  entries: number;
  /** Entries whose balanceAfter != previous balanceAfter + amount (ordered by createdAt, id). */
  brokenLinks: number;
}

export interface AuditReport {
  accounts: number;
  entries: number;
  mismatches: AuditMismatch[];
}
