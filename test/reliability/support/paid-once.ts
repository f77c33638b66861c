/**
 * The invariant every fault test ends with: each paid generation is settled — delivered (succeeded, its images in
 * storage, one debit and no refund) or refunded (failed or canceled, one debit and exactly one refund of the same
 * amount) — the balance is what those imply, and the ledger audit is clean.
 */
import type { ObjectStore } from '@easel/storage';
import { expect } from 'vitest';
import type { PrismaService } from '../../../apps/api/src/database/prisma.service.js';
import { LedgerRepository } from '../../../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../../../apps/api/src/ledger/ledger.service.js';
import { waitFor } from '../../worker/worker-harness.js';

export interface Settled {
  id: string;
  status: string;
  errorName: string | null;
}

/** Waits until none of the user's generations is queued or running, then checks money and delivery. */
export async function expectPaidOnce(
  prisma: PrismaService,
  store: ObjectStore,
  user: { id: string; credits: number },
  timeoutMs = 30_000,
): Promise<Settled[]> {
  await waitFor(async () => {
    const open = await prisma.generation.count({
      where: { userId: user.id, status: { in: ['queued', 'running'] } },
    });
    return open === 0 ? true : undefined;
  }, timeoutMs).catch(async (error: unknown) => {
    const open = await prisma.generation.findMany({
      where: { userId: user.id, status: { in: ['queued', 'running'] } },
      select: { id: true, status: true, createdAt: true },
    });
    throw new Error(`generations never settled: ${JSON.stringify(open)}`, { cause: error });
  });
  const generations = await prisma.generation.findMany({
    where: { userId: user.id },
    select: { id: true, status: true, cost: true, errorName: true, artifacts: { select: { key: true } } },
  });
  const entries = await prisma.$queryRaw<Array<{ reference: string; amount: number }>>`
    SELECT reference, amount FROM ledger_entries WHERE user_id = ${user.id}::uuid AND reference LIKE 'generation:%'`;
  // Nothing half-written: no ledger movement for a generation that does not exist.
  const known = new Set(generations.map((g) => g.id));
  expect(entries.filter((e) => !known.has(e.reference.split(':')[1]))).toEqual([]);
  let spent = 0;
  for (const g of generations) {
    const mine = entries
      .filter((e) => e.reference.startsWith(`generation:${g.id}:`))
      .map((e) => `${e.reference.split(':')[2]} ${e.amount}`)
      .sort();
    if (g.status === 'succeeded') {
      spent += g.cost;
      expect(mine, `generation ${g.id} succeeded`).toEqual([`debit ${-g.cost}`]);
      expect(g.artifacts.length, `generation ${g.id} has images`).toBeGreaterThan(0);
      for (const { key } of g.artifacts) {
        expect(await store.head(key), `${key} is in storage`).not.toBeNull();
      }
    } else {
      expect(['failed', 'canceled'], `generation ${g.id}`).toContain(g.status);
      expect(mine, `generation ${g.id} ${g.status}`).toEqual([`debit ${-g.cost}`, `refund ${g.cost}`]);
    }
  }
  const [balance] = await prisma.$queryRaw<Array<{ credits: number }>>`
    SELECT credits FROM credit_balances WHERE user_id = ${user.id}::uuid`;
  expect(balance?.credits).toBe(user.credits - spent);
  await expectAuditClean(prisma, user.id);
  return generations.map((g) => ({ id: g.id, status: g.status, errorName: g.errorName }));
}

/** `npm run ledger:audit`'s check (LedgerService.audit): no mismatch for the user (or any account on a private DB). */
export async function expectAuditClean(prisma: PrismaService, userId?: string): Promise<void> {
  const report = await new LedgerService(prisma, new LedgerRepository(prisma)).audit();
  const mismatches = userId ? report.mismatches.filter((m) => m.userId === userId) : report.mismatches;
  expect(mismatches).toEqual([]);
}
