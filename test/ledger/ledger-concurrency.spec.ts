// The ledger under attack: concurrency, retries and direct writes against real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LedgerRepository } from '../../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../../apps/api/src/ledger/ledger.service.js';
import { InsufficientCreditsError } from '../../apps/api/src/ledger/ledger.errors.js';
import { createTestPrisma } from '../support/database.js';
import { openLedgerFixture, type LedgerFixture } from './ledger-fixture.js';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await openLedgerFixture(10);
});
afterAll(() => fx.close());

async function entryCount(userId: string): Promise<number> {
  const rows = await fx.prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM ledger_entries WHERE user_id = ${userId}::uuid`;
  return rows[0].n;
}

describe('ledger under concurrency', () => {
  it('200 concurrent debits of 1 against 50 credits: exactly 50 succeed, the rest are refused', async () => {
    const userId = await fx.user(50);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => fx.ledger.debit(userId, 1, `attack:${userId}:${i}`)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(50);
    expect(refused).toHaveLength(150);
    for (const r of refused) expect(r.reason).toBeInstanceOf(InsufficientCreditsError);
    expect(await fx.ledger.getBalance(userId)).toBe(0);
    expect(await entryCount(userId)).toBe(51); // the opening grant + 50 debits
    // The successful debits saw every balance from 49 down to 0 exactly once.
    const after = ok.map((r) => r.value.balanceAfter).sort((a, b) => a - b);
    expect(after).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await fx.ownMismatches()).toEqual([]);
  });

  it('the same reference raced 20 times applies once and every caller gets the original entry', async () => {
    const userId = await fx.user(10);
    const reference = `race:${userId}`;
    const entries = await Promise.all(
      Array.from({ length: 20 }, () => fx.ledger.debit(userId, 3, reference)),
    );
    expect(new Set(entries.map((e) => e.id)).size).toBe(1);
    expect(entries[0]).toMatchObject({ amount: -3, kind: 'debit', reference, balanceAfter: 7 });
    expect(await fx.ledger.getBalance(userId)).toBe(7);
    expect(await entryCount(userId)).toBe(2);
  });

  it('racing refunds with one reference refund once', async () => {
    const userId = await fx.user(5);
    await fx.ledger.debit(userId, 5, `gen:${userId}:debit`);
    const refunds = await Promise.all(
      Array.from({ length: 10 }, () => fx.ledger.refund(userId, 5, `gen:${userId}:refund`)),
    );
    expect(new Set(refunds.map((e) => e.id)).size).toBe(1);
    expect(await fx.ledger.getBalance(userId)).toBe(5);
  });

  it('grants and debits interleaved from many connections keep every account consistent', async () => {
    // Four independent clients (pools), as if four API replicas served the same accounts.
    const clients = Array.from({ length: 4 }, () => createTestPrisma(4));
    const ledgers = clients.map((p) => new LedgerService(p, new LedgerRepository(p)));
    try {
      const users = await Promise.all([fx.user(20), fx.user(0), fx.user(5)]);
      let granted = 0;
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < 240; i++) {
        const ledger = ledgers[i % ledgers.length];
        const userId = users[i % users.length];
        const ref = `mix:${userId}:${i}`;
        if (i % 3 === 0) {
          granted += 2;
          ops.push(ledger.grant(userId, 2, ref, { kind: i % 2 === 0 ? 'purchase' : 'grant' }));
        } else {
          ops.push(
            ledger.debit(userId, 1, ref).catch((e: unknown) => {
              if (!(e instanceof InsufficientCreditsError)) throw e;
            }),
          );
        }
      }
      await Promise.all(ops);
      const balances = await Promise.all(users.map((u) => fx.ledger.getBalance(u)));
      const debited = await fx.prisma.$queryRaw<{ n: number }[]>`
        SELECT coalesce(-sum(amount), 0)::int AS n FROM ledger_entries
         WHERE user_id = ANY(${users}::uuid[]) AND kind = 'debit'`;
      expect(balances.reduce((a, b) => a + b, 0)).toBe(25 + granted - debited[0].n);
      expect(await fx.ownMismatches()).toEqual([]);
    } finally {
      await Promise.all(clients.map((p) => p.$disconnect()));
    }
  });

  it('the CHECK constraint refuses a negative balance even from a direct UPDATE', async () => {
    const userId = await fx.user(3);
    await expect(
      fx.prisma.$executeRaw`UPDATE credit_balances SET credits = credits - 4 WHERE user_id = ${userId}::uuid`,
    ).rejects.toThrow(/credit_balances_credits_check/);
    expect(await fx.ledger.getBalance(userId)).toBe(3);
  });

  it('a debit retried after the balance ran out returns the original entry, not an error', async () => {
    const userId = await fx.user(4);
    const reference = `retry:${randomUUID()}`;
    const first = await fx.ledger.debit(userId, 4, reference);
    const again = await fx.ledger.debit(userId, 4, reference);
    expect(again).toEqual(first);
    expect(await fx.ledger.getBalance(userId)).toBe(0);
  });
});
