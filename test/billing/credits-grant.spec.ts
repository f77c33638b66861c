// `npm run credits:grant` as support runs it, against the test database.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogService } from '../../apps/api/src/audit/audit-log.service.js';
import { BillingRepository } from '../../apps/api/src/billing/billing.repository.js';
import { CreditAdjustmentsService } from '../../apps/api/src/billing/credit-adjustments.service.js';
import type { PrismaService } from '../../apps/api/src/database/prisma.service.js';
import { LedgerRepository } from '../../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../../apps/api/src/ledger/ledger.service.js';
import {
  createTestPrisma,
  createTestUser,
  deleteTestUsers,
  migrateTestDatabase,
  testDatabaseUrl,
  type TestUser,
} from '../support/database.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let prisma: PrismaService;
let service: CreditAdjustmentsService;
const users: TestUser[] = [];

async function grant(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      'npm',
      ['run', '-s', 'credits:grant', '--', ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: testDatabaseUrl() },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function user(credits: number): Promise<TestUser> {
  const created = await createTestUser(prisma, { credits });
  users.push(created);
  return created;
}

const credits = async (userId: string) =>
  (await prisma.creditBalance.findUniqueOrThrow({ where: { userId } })).credits;

beforeAll(async () => {
  await migrateTestDatabase();
  prisma = createTestPrisma(2);
  service = new CreditAdjustmentsService(
    new BillingRepository(prisma),
    new LedgerService(prisma, new LedgerRepository(prisma)),
    new AuditLogService(prisma),
  );
});
afterAll(async () => {
  await deleteTestUsers(
    prisma,
    users.map((u) => u.id),
  );
  await prisma.$disconnect();
});

describe('npm run credits:grant', () => {
  it('grants credits as one adjustment entry with its own reference, recording the reason and who ran it', async () => {
    const u = await user(10);
    const run = await grant(
      '--email',
      u.email.toUpperCase(),
      '--credits',
      '500',
      '--reason',
      'goodwill',
      '--actor',
      'alice',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`granted 500 credits to ${u.email}: balance 510 \\(adjustment:[0-9a-f-]{36}\\)`),
    );
    expect(await credits(u.id)).toBe(510);
    const [row] = await prisma.creditAdjustment.findMany({
      where: { userId: u.id },
      include: { ledgerEntry: true },
    });
    expect(row).toMatchObject({ requested: 500, applied: 500, reason: 'goodwill', actor: 'alice' });
    expect(row.ledgerEntry).toMatchObject({
      amount: 500,
      kind: 'adjustment',
      reference: `adjustment:${row.id}`,
    });
    const audit = await prisma.auditEvent.findMany({ where: { userId: u.id, action: 'credits.granted' } });
    expect(audit).toMatchObject([
      {
        actor: 'support:alice',
        subject: `adjustment:${row.id}`,
        details: { credits: 500, reason: 'goodwill' },
      },
    ]);
  });

  it('takes credits back with a negative number, never below zero, saying how much it could take', async () => {
    const u = await user(120);
    const run = await grant('--email', u.email, '--credits', '-500', '--reason', 'chargeback');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `took back 120 of 500 credits from ${u.email} (only 120 were left): balance 0`,
    );
    expect(await credits(u.id)).toBe(0);
    // The same through the service the command runs: nothing left to take, no ledger entry, still recorded.
    const empty = await service.adjust({ email: u.email, credits: -5, reason: 'again', actor: 'bob' });
    expect(empty).toMatchObject({ requested: -5, applied: 0, balanceAfter: 0, reference: null });
    const rows = await prisma.creditAdjustment.findMany({
      where: { userId: u.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(rows.map((r) => [r.requested, r.applied, r.ledgerEntryId === null])).toEqual([
      [-500, -120, false],
      [-5, 0, true],
    ]);
  });

  it('refuses an unknown email, a zero or fractional amount and a missing reason, changing nothing', async () => {
    const u = await user(7);
    const run = await grant('--email', 'nobody@easel.test', '--credits', '5', '--reason', 'x');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('credits:grant: no user with email nobody@easel.test');
    for (const [credits, reason] of [
      [0, 'x'],
      [1.5, 'x'],
      [20_000_000, 'x'],
      [5, '  '],
    ] as const) {
      await expect(service.adjust({ email: u.email, credits, reason, actor: 't' })).rejects.toMatchObject({
        code: 'invalid_request',
      });
    }
    expect(await credits(u.id)).toBe(7);
    expect(await prisma.creditAdjustment.count({ where: { userId: u.id } })).toBe(0);
  });
});
