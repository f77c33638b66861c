// LedgerService.takeBack: take up to N credits, never below zero, against real PostgreSQL and under races.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LedgerReferenceConflictError } from '../../apps/api/src/ledger/ledger.errors.js';
import { openLedgerFixture, type LedgerFixture } from './ledger-fixture.js';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await openLedgerFixture(10);
});
afterAll(() => fx.close());

describe('ledger take-back', () => {
  it('takes the whole amount when the balance covers it, one adjustment entry', async () => {
    const userId = await fx.user(100);
    const result = await fx.ledger.takeBack(userId, 30, `tb:${userId}`);
    expect(result.taken).toBe(30);
    expect(result.entry).toMatchObject({ amount: -30, kind: 'adjustment', balanceAfter: 70 });
    expect(await fx.ledger.getBalance(userId)).toBe(70);
  });

  it('takes only what is there, down to exactly zero, and nothing from an empty balance', async () => {
    const userId = await fx.user(12);
    expect((await fx.ledger.takeBack(userId, 50, `tb:${userId}:1`)).taken).toBe(12);
    expect(await fx.ledger.getBalance(userId)).toBe(0);
    const empty = await fx.ledger.takeBack(userId, 50, `tb:${userId}:2`);
    expect(empty).toEqual({ taken: 0, entry: null });
    expect(await fx.ownMismatches()).toEqual([]);
  });

  it('a repeated reference returns the first entry and takes nothing more', async () => {
    const userId = await fx.user(40);
    const first = await fx.ledger.takeBack(userId, 25, `tb:${userId}`);
    const again = await fx.ledger.takeBack(userId, 25, `tb:${userId}`);
    expect(again).toEqual(first);
    expect(await fx.ledger.getBalance(userId)).toBe(15);
    await expect(fx.ledger.takeBack(userId, 10, `tb:${userId}`)).rejects.toBeInstanceOf(
      LedgerReferenceConflictError,
    );
  });

  it('raced with debits and with itself: never below zero, every reference once, balance == sum(entries)', async () => {
    const userId = await fx.user(100);
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      ops.push(fx.ledger.debit(userId, 3, `tb-race:${userId}:debit:${i}`));
      ops.push(fx.ledger.takeBack(userId, 7, `tb-race:${userId}:take:${i % 20}`));
    }
    const results = await Promise.allSettled(ops);
    const failures = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as Error).name);
    expect(new Set(failures)).toEqual(new Set(failures.length ? ['InsufficientCreditsError'] : []));
    expect(await fx.ledger.getBalance(userId)).toBeGreaterThanOrEqual(0);
    const rows = await fx.prisma.$queryRaw<{ reference: string; n: number }[]>`
      SELECT reference, count(*)::int AS n FROM ledger_entries WHERE user_id = ${userId}::uuid GROUP BY reference`;
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(await fx.ownMismatches()).toEqual([]);
  });

  it('inside a caller transaction, racing twins with one reference take once and keep the transaction usable', async () => {
    const userId = await fx.user(50);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        fx.prisma.$transaction(async (tx) => {
          const r = await fx.ledger.takeBack(userId, 20, `tb-tx:${userId}`, { tx });
          // The transaction still works after a lost race.
          await tx.$queryRaw`SELECT 1`;
          return r;
        }),
      ),
    );
    expect(new Set(results.map((r) => r.entry?.id)).size).toBe(1);
    expect(results.every((r) => r.taken === 20)).toBe(true);
    expect(await fx.ledger.getBalance(userId)).toBe(30);
    expect(await fx.ownMismatches()).toEqual([]);
  });
});
