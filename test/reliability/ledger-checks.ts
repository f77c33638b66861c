// What every reliability suite checks after a storm: the ledger audit (in-process for the users involved, and
// `npm run ledger:audit` over the whole test database), unique references, one debit per generation.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PrismaService } from '../../apps/api/src/database/prisma.service.js';
import { LedgerRepository } from '../../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../../apps/api/src/ledger/ledger.service.js';
import { testDatabaseUrl } from '../support/database.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** A user's money as the database holds it: balance, entry count and sum, lowest balance ever recorded. */
export interface Money {
  credits: number;
  entries: number;
  sum: number;
  lowest: number;
}

export async function money(prisma: PrismaService, userId: string): Promise<Money> {
  const [row] = await prisma.$queryRaw<
    Array<{ credits: number; entries: bigint; sum: bigint | null; lowest: number | null }>
  >`SELECT b.credits,
      (SELECT count(*) FROM ledger_entries e WHERE e.user_id = b.user_id) AS entries,
      (SELECT sum(amount) FROM ledger_entries e WHERE e.user_id = b.user_id) AS sum,
      (SELECT min(balance_after) FROM ledger_entries e WHERE e.user_id = b.user_id) AS lowest
    FROM credit_balances b WHERE b.user_id = ${userId}::uuid`;
  if (!row) throw new Error(`no credit account for ${userId}`);
  return {
    credits: row.credits,
    entries: Number(row.entries),
    sum: Number(row.sum ?? 0),
    lowest: row.lowest ?? 0,
  };
}

/** The ledger audit of these users: [] when every balance equals its entries and every chain links. */
export async function auditMismatches(prisma: PrismaService, userIds: string[]): Promise<unknown[]> {
  const report = await new LedgerService(prisma, new LedgerRepository(prisma)).audit();
  return report.mismatches.filter((m) => userIds.includes(m.userId));
}

/**
 * Per user: references used more than once (the unique index forbids them; this proves it held), generations
 * without exactly one debit, and generations refunded more than once.
 */
export async function referenceProblems(prisma: PrismaService, userIds: string[]): Promise<string[]> {
  const duplicates = await prisma.$queryRaw<Array<{ reference: string }>>`
    SELECT reference FROM ledger_entries WHERE user_id = ANY(${userIds}::uuid[])
    GROUP BY reference HAVING count(*) > 1`;
  const debits = await prisma.$queryRaw<Array<{ id: string; debits: bigint; refunds: bigint }>>`
    SELECT g.id::text,
      (SELECT count(*) FROM ledger_entries e WHERE e.reference = 'generation:' || g.id || ':debit') AS debits,
      (SELECT count(*) FROM ledger_entries e WHERE e.reference LIKE 'generation:' || g.id || ':refund%') AS refunds
    FROM generations g WHERE g.user_id = ANY(${userIds}::uuid[])`;
  return [
    ...duplicates.map((d) => `reference used twice: ${d.reference}`),
    ...debits.filter((d) => Number(d.debits) !== 1).map((d) => `generation ${d.id}: ${d.debits} debits`),
    ...debits.filter((d) => Number(d.refunds) > 1).map((d) => `generation ${d.id}: ${d.refunds} refunds`),
  ];
}

/** `npm run ledger:audit` on the test database: its summary line (throws when it exits non-zero). */
export async function ledgerAuditCli(): Promise<string> {
  const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'ledger:audit'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: testDatabaseUrl() },
  });
  return stdout;
}

/** Every job this engine's queue holds, in any state. */
export async function jobCount(queue: {
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}): Promise<number> {
  const counts = await queue.getJobCounts(
    'waiting',
    'active',
    'delayed',
    'completed',
    'failed',
    'paused',
    'prioritized',
    'waiting-children',
  );
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
