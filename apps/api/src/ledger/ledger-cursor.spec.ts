import { describe, expect, it } from 'vitest';

import { decodeLedgerCursor, encodeLedgerCursor } from './ledger-cursor.js';
import { LedgerArgumentError } from './ledger.errors.js';

describe('ledger cursor', () => {
  it('round-trips a position', () => {
    const position = {
      createdAt: new Date('2026-11-25T23:59:59.123Z'),
      id: '6f1c2a1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
    };
    const cursor = encodeLedgerCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeLedgerCursor(cursor)).toEqual(position);
  });

  it.each([
    '',
    'abc',
    Buffer.from('123.not-a-uuid').toString('base64url'),
    Buffer.from('x.6f1c2a1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b').toString('base64url'),
  ])('rejects %j', (cursor) => {
    expect(() => decodeLedgerCursor(cursor)).toThrow(LedgerArgumentError);
  });
});
