import { Injectable } from '@nestjs/common';

import { Prisma } from '../generated/prisma/client.js';
import type { DbTransaction } from '../database/prisma.service.js';
import { PrismaService } from '../database/prisma.service.js';
import type { AuditMismatch, LedgerEntryView, LedgerKind } from './ledger.types.js';

/** Anything that runs raw SQL: the PrismaService itself or an interactive-transaction client. */
export type SqlRunner = Pick<DbTransaction, '$queryRaw' | '$executeRaw'>;

export interface Movement {
  id: string;
  userId: string;
  /** Signed: negative for debits. */
  amount: number;
  kind: LedgerKind;
  reference: string;
  /** Debits: the UPDATE only applies while credits >= -amount. */
  requireFunds: boolean;
}

export interface MovementResult {
  /** The balance row changed (it did not when funds were short, the account is missing or the reference exists). */
  moved: boolean;
  /** The new entry; null when nothing was inserted. */
  entry: LedgerEntryView | null;
}

export interface StoredEntry extends LedgerEntryView {
  userId: string;
}

interface MovementRow {
  moved: number;
  id: string | null;
  amount: number | null;
  kind: LedgerKind | null;
  reference: string | null;
  balanceAfter: number | null;
  createdAt: Date | null;
}

const ENTRY_COLUMNS = Prisma.sql`id::text AS id, amount, kind::text AS kind, reference,
  balance_after AS "balanceAfter", created_at AS "createdAt"`;

/**
 * One statement, hence atomic on its own: the conditional balance UPDATE and the entry INSERT. The UPDATE
 * skips a reference that is already recorded. A racing twin that slips past that check (both saw no entry)
 * either fails on the unique reference, undoing the whole statement (`onConflict: 'fail'`), or inserts
 * nothing and reports moved && !entry (`'skip'`, for use inside a caller's transaction, which must then
 * undo the balance change with revertBalance).
 * The entry's created_at is taken under the row lock and strictly increases per account, so
 * ORDER BY created_at, id is the order in which movements were applied.
 */
export function movementStatement(m: Movement, onConflict: 'fail' | 'skip'): Prisma.Sql {
  return Prisma.sql`
    WITH ${movementCtes(m, onConflict)}
    SELECT (SELECT count(*) FROM moved)::int AS moved, entry.*
      FROM (SELECT 1) AS one LEFT JOIN entry ON true`;
}

/** The `moved` (balance UPDATE) and `entry` (ledger INSERT) CTEs of movementStatement, for composing. */
function movementCtes(m: Movement, onConflict: 'fail' | 'skip'): Prisma.Sql {
  const fundsCheck = m.requireFunds ? Prisma.sql`AND credits >= ${-m.amount}::int` : Prisma.empty;
  return Prisma.sql`
    moved AS (
      UPDATE credit_balances
         SET credits = credits + ${m.amount}::int,
             updated_at = GREATEST(clock_timestamp(), updated_at + interval '1 millisecond')
       WHERE user_id = ${m.userId}::uuid ${fundsCheck}
         AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE reference = ${m.reference}::text)
      RETURNING credits, updated_at
    ), entry AS (
      INSERT INTO ledger_entries (id, user_id, amount, kind, reference, balance_after, created_at)
      SELECT ${m.id}::uuid, ${m.userId}::uuid, ${m.amount}::int, ${m.kind}::ledger_kind, ${m.reference}::text,
             credits, updated_at
        FROM moved
      ${onConflict === 'skip' ? Prisma.sql`ON CONFLICT (reference) DO NOTHING` : Prisma.empty}
      RETURNING ${ENTRY_COLUMNS}
    )`;
}

export interface TakeBack {
  id: string;
  userId: string;
  /** Most credits to take; the statement takes LEAST(balance, upTo). */
  upTo: number;
  kind: LedgerKind;
  reference: string;
}

export interface TakeBackResult extends MovementResult {
  /** Credits taken off the balance (0 when nothing moved). */
  taken: number;
}

/**
 * Like movementStatement for a debit of LEAST(balance, upTo): the balance row is locked first (FOR UPDATE, so
 * the amount is computed from the committed balance a racing movement left), then updated conditionally, so a
 * take-back can never drive the balance below zero. Nothing moves when the balance is 0.
 */
function takeBackStatement(t: TakeBack, onConflict: 'fail' | 'skip'): Prisma.Sql {
  return Prisma.sql`
    WITH locked AS (
      SELECT user_id, LEAST(credits, ${t.upTo}::int) AS take
        FROM credit_balances WHERE user_id = ${t.userId}::uuid FOR UPDATE
    ), moved AS (
      UPDATE credit_balances b
         SET credits = b.credits - l.take,
             updated_at = GREATEST(clock_timestamp(), b.updated_at + interval '1 millisecond')
        FROM locked l
       WHERE b.user_id = l.user_id AND l.take > 0 AND b.credits >= l.take
         AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE reference = ${t.reference}::text)
      RETURNING b.credits, b.updated_at, l.take
    ), entry AS (
      INSERT INTO ledger_entries (id, user_id, amount, kind, reference, balance_after, created_at)
      SELECT ${t.id}::uuid, ${t.userId}::uuid, -take, ${t.kind}::ledger_kind, ${t.reference}::text,
             credits, updated_at
        FROM moved
      ${onConflict === 'skip' ? Prisma.sql`ON CONFLICT (reference) DO NOTHING` : Prisma.empty}
      RETURNING ${ENTRY_COLUMNS}
    )
    SELECT (SELECT count(*) FROM moved)::int AS moved, coalesce((SELECT take FROM moved), 0)::int AS taken,
           entry.*
      FROM (SELECT 1) AS one LEFT JOIN entry ON true`;
}

function toResult(row: MovementRow): MovementResult {
  const entry =
    row.id === null
      ? null
      : {
          id: row.id,
          amount: row.amount!,
          kind: row.kind!,
          reference: row.reference!,
          balanceAfter: row.balanceAfter!,
          createdAt: row.createdAt!,
        };
  return { moved: row.moved > 0, entry };
}

/** A unique violation on ledger_entries.reference, as Prisma's pg adapter reports it. */
function isReferenceConflict(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2010') return false;
  const cause = (
    error.meta as { driverAdapterError?: { cause?: { originalCode?: string; constraint?: unknown } } }
  )?.driverAdapterError?.cause;
  return (
    cause?.originalCode === '23505' &&
    JSON.stringify(cause.constraint ?? '').includes('ledger_entries_reference_key')
  );
}

/** All SQL of the credit ledger. No business rules here: see LedgerService. */
@Injectable()
export class LedgerRepository {
  constructor(readonly prisma: PrismaService) {}

  async openAccount(db: SqlRunner, userId: string): Promise<void> {
    await db.$executeRaw`INSERT INTO credit_balances (user_id, credits, updated_at)
      VALUES (${userId}::uuid, 0, now()) ON CONFLICT (user_id) DO NOTHING`;
  }

  /** Standalone (autocommit): a lost race on the reference raises inside PostgreSQL and changes nothing. */
  async applyMovementAlone(m: Movement): Promise<MovementResult> {
    try {
      return await this.applyMovement(this.prisma, m, 'fail');
    } catch (error) {
      if (isReferenceConflict(error)) return { moved: false, entry: null };
      throw error;
    }
  }

  async applyMovement(
    db: SqlRunner,
    m: Movement,
    onConflict: 'fail' | 'skip' = 'skip',
  ): Promise<MovementResult> {
    const rows = await db.$queryRaw<MovementRow[]>(movementStatement(m, onConflict));
    return toResult(rows[0]);
  }

  /** takeBackStatement; `onConflict` as for applyMovement. */
  async applyTakeBack(
    db: SqlRunner,
    t: TakeBack,
    onConflict: 'fail' | 'skip' = 'skip',
  ): Promise<TakeBackResult> {
    const rows = await db.$queryRaw<(MovementRow & { taken: number })[]>(takeBackStatement(t, onConflict));
    return { ...toResult(rows[0]), taken: rows[0].taken };
  }

  /** Standalone (autocommit), like applyMovementAlone. */
  async applyTakeBackAlone(t: TakeBack): Promise<TakeBackResult> {
    try {
      return await this.applyTakeBack(this.prisma, t, 'fail');
    } catch (error) {
      if (isReferenceConflict(error)) return { moved: false, entry: null, taken: 0 };
      throw error;
    }
  }

  /**
   * The movement plus `companion` (an `INSERT … SELECT … FROM moved RETURNING …`) in ONE autocommit statement:
   * the companion row exists exactly when the movement applied. A unique violation anywhere (the reference,
   * or the companion's own keys) fails the whole statement and changes nothing. Returns null when nothing moved.
   */
  async applyMovementWith<Row extends object>(m: Movement, companion: Prisma.Sql): Promise<Row | null> {
    const rows = await this.prisma.$queryRaw<(Row & { moved: number })[]>`
      WITH ${movementCtes(m, 'fail')}, companion AS (${companion})
      SELECT (SELECT count(*) FROM moved)::int AS moved, companion.*
        FROM (SELECT 1) AS one LEFT JOIN companion ON true`;
    const row = rows[0];
    if (!row || row.moved === 0) return null;
    const { moved: _moved, ...rest } = row;
    return rest as unknown as Row;
  }

  /** Undoes applyMovement's balance change inside the same transaction (the row lock is still held). */
  async revertBalance(db: SqlRunner, userId: string, amount: number): Promise<void> {
    await db.$executeRaw`UPDATE credit_balances SET credits = credits - ${amount}::int WHERE user_id = ${userId}::uuid`;
  }

  async findByReference(db: SqlRunner, reference: string): Promise<StoredEntry | null> {
    const rows = await db.$queryRaw<StoredEntry[]>`
      SELECT user_id::text AS "userId", ${ENTRY_COLUMNS} FROM ledger_entries WHERE reference = ${reference}::text`;
    return rows[0] ?? null;
  }

  /**
   * The hot read behind GET /v1/user/balance: a typed call, whose compiled query plan Prisma caches. Keep it a
   * findUnique: Prisma batches concurrent findUnique calls into one query, which measured faster under load
   * (~30 µs CPU, 28k/s at 64 in flight) than a named prepared statement straight on the pg pool (~40 µs, 15k/s).
   */
  async balanceOf(userId: string): Promise<number | null> {
    const row = await this.prisma.creditBalance.findUnique({ where: { userId }, select: { credits: true } });
    return row?.credits ?? null;
  }

  async findCredits(db: SqlRunner, userId: string): Promise<number | null> {
    const rows = await db.$queryRaw<{ credits: number }[]>`
      SELECT credits FROM credit_balances WHERE user_id = ${userId}::uuid`;
    return rows[0]?.credits ?? null;
  }

  /** Newest first; `before` is the (createdAt, id) of the last entry of the previous page. */
  async listEntries(
    userId: string,
    limit: number,
    before: { createdAt: Date; id: string } | null,
  ): Promise<LedgerEntryView[]> {
    const after = before
      ? Prisma.sql`AND (created_at, id) < (${before.createdAt}::timestamptz, ${before.id}::uuid)`
      : Prisma.empty;
    return this.prisma.$queryRaw<LedgerEntryView[]>`
      SELECT ${ENTRY_COLUMNS} FROM ledger_entries
       WHERE user_id = ${userId}::uuid ${after}
       ORDER BY created_at DESC, id DESC
       LIMIT ${limit}::int`;
  }

  /** Consistent snapshot (REPEATABLE READ): totals and the accounts that do not add up. */
  async audit(): Promise<{ accounts: number; entries: number; mismatches: AuditMismatch[] }> {
    return this.prisma.$transaction(
      async (tx) => {
        const [totals] = await tx.$queryRaw<{ accounts: number; entries: number }[]>`
          SELECT (SELECT count(*) FROM credit_balances)::int AS accounts,
                 (SELECT count(*) FROM ledger_entries)::int AS entries`;
        const mismatches = await tx.$queryRaw<AuditMismatch[]>`
          WITH chain AS (
            SELECT user_id, amount,
                   balance_after - amount
                     - lag(balance_after, 1, 0) OVER (PARTITION BY user_id ORDER BY created_at, id) AS drift
              FROM ledger_entries
          ), per_user AS (
            SELECT user_id, count(*) AS entries, sum(amount) AS total, count(*) FILTER (WHERE drift <> 0) AS broken
              FROM chain GROUP BY user_id
          )
          SELECT coalesce(b.user_id, p.user_id)::text AS "userId", b.credits,
                 coalesce(p.total, 0)::int AS "sumOfEntries", coalesce(p.entries, 0)::int AS entries,
                 coalesce(p.broken, 0)::int AS "brokenLinks"
            FROM credit_balances b FULL JOIN per_user p ON p.user_id = b.user_id
           WHERE b.user_id IS NULL OR b.credits <> coalesce(p.total, 0) OR coalesce(p.broken, 0) > 0
           ORDER BY 1`;
        return { ...totals, mismatches };
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 120_000 },
    );
  }
}
