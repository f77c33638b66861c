import { z } from 'zod';

export const Me = z
  .strictObject({ id: z.uuid(), email: z.string(), credits: z.number().int() })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

export const Balance = z.strictObject({ credits: z.number() }).meta({ id: 'Balance' });
export type Balance = z.infer<typeof Balance>;

export const LEDGER_KINDS = ['grant', 'debit', 'refund', 'purchase', 'adjustment'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const LedgerEntry = z
  .strictObject({
    id: z.uuid(),
    amount: z.number().int().describe('Signed: debits are negative'),
    kind: z.enum(LEDGER_KINDS),
    reference: z.string(),
    balanceAfter: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'LedgerEntry' });
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export const LedgerPage = z
  .strictObject({ data: z.array(LedgerEntry), nextCursor: z.string().nullable() })
  .meta({ id: 'LedgerPage' });
export type LedgerPage = z.infer<typeof LedgerPage>;

export const LedgerQuery = z
  .strictObject({
    cursor: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .meta({ id: 'LedgerQuery' });
export type LedgerQuery = z.infer<typeof LedgerQuery>;

/** Stability v1 `GET /v1/user/account`. */
export const V1Account = z
  .strictObject({
    id: z.string(),
    email: z.string(),
    profile_picture: z.string(),
    organizations: z.array(
      z.strictObject({ id: z.string(), name: z.string(), role: z.string(), is_default: z.boolean() }),
    ),
  })
  .meta({ id: 'V1Account' });
export type V1Account = z.infer<typeof V1Account>;
