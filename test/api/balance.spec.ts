import { describe, expect, it } from 'vitest';
import { LedgerService } from '../../apps/api/src/ledger/ledger.service.js';
import { call, createKey, expectErrorShape, signUp, useTestApp } from '../support/app.js';

const t = useTestApp();
const { created } = t;

interface Entry {
  id: string;
  amount: number;
  kind: string;
  reference: string;
  balanceAfter: number;
  createdAt: string;
}

describe('balance and ledger', () => {
  it('follow the ledger: balance after a debit, entries newest first, cursor paging to the end', async () => {
    const u = await signUp(t.url);
    created.push(u.id);
    const ledger = t.app.get(LedgerService);
    await ledger.debit(u.id, 3, `test:${u.id}:debit-1`);
    await ledger.refund(u.id, 1, `test:${u.id}:refund-1`);
    await ledger.debit(u.id, 5, `test:${u.id}:debit-2`);
    const { key } = await createKey(t.url, u.token);

    expect((await call(t.url, 'GET', '/v1/user/balance', { token: key })).body).toEqual({ credits: 193 });
    expect((await call(t.url, 'GET', '/api/balance', { token: u.token })).body).toEqual({ credits: 193 });

    const seen: Entry[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page = await call<{ data: Entry[]; nextCursor: string | null }>(
        t.url,
        'GET',
        `/api/ledger${query}`,
        {
          token: key,
        },
      );
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);

    expect(seen.map((entry) => [entry.kind, entry.amount, entry.balanceAfter])).toEqual([
      ['debit', -5, 193],
      ['refund', 1, 198],
      ['debit', -3, 197],
      ['grant', 200, 200],
    ]);
    expect(new Set(seen.map((entry) => entry.id)).size).toBe(4);
    expect(seen.every((entry) => !Number.isNaN(Date.parse(entry.createdAt)))).toBe(true);
  });

  it("never shows another user's entries, and refuses a cursor it did not issue", async () => {
    const a = await signUp(t.url);
    const b = await signUp(t.url);
    created.push(a.id, b.id);
    const page = await call<{ data: Entry[] }>(t.url, 'GET', '/api/ledger', { token: b.token });
    expect(page.body.data.map((entry) => entry.reference)).toEqual([`signup:${b.id}`]);
    expectErrorShape(
      await call(t.url, 'GET', '/api/ledger?cursor=not-a-cursor', { token: b.token }),
      400,
      'invalid_request',
    );
  });
});
