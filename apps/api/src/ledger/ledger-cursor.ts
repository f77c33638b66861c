import { LedgerArgumentError } from './ledger.errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LedgerPosition {
  createdAt: Date;
  id: string;
}

/** Opaque page cursor: base64url of "<createdAt ms>.<entry id>". */
export function encodeLedgerCursor(position: LedgerPosition): string {
  return Buffer.from(`${position.createdAt.getTime()}.${position.id}`).toString('base64url');
}

export function decodeLedgerCursor(cursor: string): LedgerPosition {
  const [ms, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
  const createdAt = new Date(Number(ms));
  if (
    extra !== undefined ||
    !/^\d{1,15}$/.test(ms ?? '') ||
    Number.isNaN(createdAt.getTime()) ||
    !UUID.test(id ?? '')
  ) {
    throw new LedgerArgumentError('cursor is not a valid ledger cursor');
  }
  return { createdAt, id };
}
