// LedgerService behaviour against real PostgreSQL: movements, idempotency, transactions, pagination.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  InsufficientCreditsError,
  LedgerAccountNotFoundError,
  LedgerArgumentError,
  LedgerReferenceConflictError,
} from '../../apps/api/src/ledger/ledger.errors.js';
import { openLedgerFixture, type LedgerFixture } from './ledger-fixture.js';

let fx: LedgerFixture;
beforeAll(async () => {
  fx = await openLedgerFixture(6);
});
afterAll(() => fx.close());

describe('LedgerService', () => {
  it('grants, debits and refunds, each with a signed entry and the balance after it', async () => {
    const userId = await fx.user();
    const grant = await fx.ledger.grant(userId, 10, `g:${userId}`, { kind: 'purchase' });
    const debit = await fx.ledger.debit(userId, 4, `d:${userId}`);
    const refund = await fx.ledger.refund(userId, 4, `r:${userId}`);
    expect(grant).toMatchObject({ amount: 10, kind: 'purchase', balanceAfter: 10 });
    expect(debit).toMatchObject({ amount: -4, kind: 'debit', reference: `d:${userId}`, balanceAfter: 6 });
    expect(refund).toMatchObject({ amount: 4, kind: 'refund', balanceAfter: 10 });
    expect(debit.createdAt).toBeInstanceOf(Date);
    expect(debit.createdAt.getTime()).toBeGreaterThan(grant.createdAt.getTime());
    expect(await fx.ledger.getBalance(userId)).toBe(10);
  });

  it('repeating a reference returns the original entry and writes nothing', async () => {
    const userId = await fx.user(10);
    const first = await fx.ledger.debit(userId, 2, `once:${userId}`);
    const second = await fx.ledger.debit(userId, 2, `once:${userId}`);
    expect(second).toEqual(first);
    const refund1 = await fx.ledger.refund(userId, 2, `once:${userId}:refund`);
    const refund2 = await fx.ledger.refund(userId, 2, `once:${userId}:refund`);
    expect(refund2).toEqual(refund1);
    expect(await fx.ledger.getBalance(userId)).toBe(10);
  });

  it('refuses a reference reused for a different movement', async () => {
    const userId = await fx.user(10);
    const other = await fx.user(10);
    await fx.ledger.debit(userId, 2, `used:${userId}`);
    await expect(fx.ledger.debit(userId, 3, `used:${userId}`)).rejects.toBeInstanceOf(
      LedgerReferenceConflictError,
    );
    await expect(fx.ledger.refund(userId, 2, `used:${userId}`)).rejects.toBeInstanceOf(
      LedgerReferenceConflictError,
    );
    await expect(fx.ledger.debit(other, 2, `used:${userId}`)).rejects.toBeInstanceOf(
      LedgerReferenceConflictError,
    );
    expect(await fx.ledger.getBalance(other)).toBe(10);
  });

  it('refuses an overdraft with InsufficientCreditsError and changes nothing', async () => {
    const userId = await fx.user(3);
    const error: unknown = await fx.ledger.debit(userId, 4, `big:${userId}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({ code: 'insufficient_credits', required: 4, available: 3 });
    expect(await fx.ledger.getBalance(userId)).toBe(3);
    // The reference was not consumed: it works once the account can pay.
    await fx.ledger.grant(userId, 1, `top-up:${userId}`);
    expect(await fx.ledger.debit(userId, 4, `big:${userId}`)).toMatchObject({ balanceAfter: 0 });
  });

  it('rejects bad amounts and unknown accounts', async () => {
    const userId = await fx.user(5);
    for (const amount of [0, -1, 1.5, Number.NaN]) {
      await expect(fx.ledger.debit(userId, amount, `bad:${randomUUID()}`)).rejects.toBeInstanceOf(
        LedgerArgumentError,
      );
      await expect(fx.ledger.grant(userId, amount, `bad:${randomUUID()}`)).rejects.toBeInstanceOf(
        LedgerArgumentError,
      );
    }
    const ghost = randomUUID();
    await expect(fx.ledger.debit(ghost, 1, `ghost:${ghost}`)).rejects.toBeInstanceOf(
      LedgerAccountNotFoundError,
    );
    await expect(fx.ledger.grant(ghost, 1, `ghost:${ghost}`)).rejects.toBeInstanceOf(
      LedgerAccountNotFoundError,
    );
    await expect(fx.ledger.getBalance(ghost)).rejects.toBeInstanceOf(LedgerAccountNotFoundError);
  });

  it('signs up in one transaction: user, account and grant commit or roll back together', async () => {
    const id = randomUUID();
    await fx.prisma.$transaction(async (tx) => {
      await tx.user.create({ data: { id, email: `signup-${id}@easel.test`, passwordHash: '!' } });
      await fx.ledger.openAccount(id, tx);
      await fx.ledger.grant(id, 200, `signup:${id}`, { tx });
    });
    expect(await fx.ledger.getBalance(id)).toBe(200);
    await fx.prisma.$executeRaw`DELETE FROM ledger_entries WHERE user_id = ${id}::uuid`;
    await fx.prisma.user.delete({ where: { id } });

    const failed = randomUUID();
    await expect(
      fx.prisma.$transaction(async (tx) => {
        await tx.user.create({
          data: { id: failed, email: `signup-${failed}@easel.test`, passwordHash: '!' },
        });
        await fx.ledger.openAccount(failed, tx);
        await fx.ledger.grant(failed, 200, `signup:${failed}`, { tx });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await fx.prisma.user.findUnique({ where: { id: failed } })).toBeNull();
    expect(await fx.prisma.ledgerEntry.findUnique({ where: { reference: `signup:${failed}` } })).toBeNull();
  });

  it('an overdraft inside a caller transaction leaves that transaction usable', async () => {
    const userId = await fx.user(2);
    const entry = await fx.prisma.$transaction(async (tx) => {
      await expect(fx.ledger.debit(userId, 5, `tx-big:${userId}`, { tx })).rejects.toBeInstanceOf(
        InsufficientCreditsError,
      );
      return fx.ledger.debit(userId, 2, `tx-ok:${userId}`, { tx });
    });
    expect(entry.balanceAfter).toBe(0);
    expect(await fx.ledger.getBalance(userId)).toBe(0);
  });

  it('a movement that loses the race on its reference rolls back and returns the winner', async () => {
    const userId = await fx.user(10);
    const reference = `lost:${userId}`;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The winner debits inside an open transaction and holds it (and the balance row lock) until released.
    const winner = fx.prisma.$transaction(async (tx) => {
      const entry = await fx.ledger.debit(userId, 3, reference, { tx });
      await held;
      return entry;
    });
    await new Promise((r) => setTimeout(r, 100));
    const loser = fx.ledger.debit(userId, 3, reference); // passes the reference check, then waits on the lock
    await new Promise((r) => setTimeout(r, 100));
    release();
    const [won, lost] = await Promise.all([winner, loser]);
    expect(lost).toEqual(won);
    expect(await fx.ledger.getBalance(userId)).toBe(7);
    expect(await fx.ownMismatches()).toEqual([]);
  });

  it('lists entries newest first with an opaque cursor', async () => {
    const userId = await fx.user(1); // entry 1: the opening grant
    for (let i = 0; i < 6; i++) await fx.ledger.grant(userId, i + 1, `page:${userId}:${i}`);
    const seen: number[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await fx.ledger.listEntries(userId, { limit: 3, ...(cursor ? { cursor } : {}) });
      sizes.push(page.data.length);
      seen.push(...page.data.map((e) => e.amount));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 1]);
    const [newest] = (await fx.ledger.listEntries(userId, { limit: 1 })).data;
    expect(Object.keys(newest).sort()).toEqual([
      'amount',
      'balanceAfter',
      'createdAt',
      'id',
      'kind',
      'reference',
    ]);
    expect(newest.balanceAfter).toBe(22);
    await expect(fx.ledger.listEntries(userId, { limit: 3, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
      LedgerArgumentError,
    );
    await expect(fx.ledger.listEntries(userId, { limit: 0 })).rejects.toBeInstanceOf(LedgerArgumentError);
    expect(await fx.ledger.listEntries(randomUUID(), { limit: 5 })).toEqual({ data: [], nextCursor: null });
  });
});
