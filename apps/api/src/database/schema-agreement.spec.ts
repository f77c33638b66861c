// schema.prisma and the migrated database must agree; this fails when one is edited without the other.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createScratchDatabase } from '../../../../test/support/database.js';
import { readPrismaSchema } from './prisma-schema.reader.js';
import { diffFacts, factsFromDatabase, factsFromPrismaSchema } from './schema-facts.js';

const schemaPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../prisma/schema.prisma',
);
const schemaText = readFileSync(schemaPath, 'utf8');

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let client: pg.Client;
let dbFacts: Set<string>;

beforeAll(async () => {
  scratch = await createScratchDatabase('easel_schema');
  client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  dbFacts = await factsFromDatabase(client);
});
afterAll(async () => {
  await client.end();
  await scratch.drop();
});

const diffWith = (text: string) => diffFacts(factsFromPrismaSchema(readPrismaSchema(text)), dbFacts);

describe('schema.prisma ↔ migrations', () => {
  it('agree on every table, column, type, nullability, default, key, index and enum', () => {
    expect(diffWith(schemaText)).toEqual([]);
    // Sanity: the comparison really covers the schema.
    expect(dbFacts).toContain('column ledger_entries.kind ledger_kind NOT NULL default none');
    expect(dbFacts).toContain(
      'column users.created_at timestamp(3) with time zone NOT NULL default CURRENT_TIMESTAMP',
    );
    expect(dbFacts).toContain(
      'index ledger_entries_user_id_created_at_id_idx on ledger_entries (user_id, created_at DESC, id DESC)',
    );
    expect(dbFacts).toContain(
      'foreign key ledger_entries_user_id_fkey on ledger_entries (user_id) references users (id) on delete RESTRICT on update CASCADE',
    );
    expect(dbFacts).toContain('enum ledger_kind (grant, debit, refund, purchase, adjustment)');
  });

  it('keeps the CHECK that schema.prisma cannot express', async () => {
    const { rows } = await client.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'credit_balances_credits_check'`,
    );
    expect(rows).toEqual([{ def: 'CHECK ((credits >= 0))' }]);
  });

  it.each([
    ['a field made optional', ['lastUsedAt DateTime?', 'lastUsedAt DateTime '], 'api_keys.last_used_at'],
    ['a type changed', ['credits   Int', 'credits   BigInt'], 'credit_balances.credits'],
    ['a native type dropped', ['@id @db.Uuid\n  email', '@id\n  email'], 'users.id'],
    ['a default added', ['name       String', 'name       String @default("key")'], 'api_keys.name'],
    ['an index removed', ['@@index([userId])\n', ''], 'api_keys_user_id_idx'],
    ['a sort order changed', ['id(sort: Desc)])', 'id)])'], 'ledger_entries_user_id_created_at_id_idx'],
    ['a unique removed', ['prefix     String    @unique', 'prefix     String'], 'api_keys_prefix_key'],
    [
      'a referential action changed',
      ['onDelete: Restrict', 'onDelete: Cascade'],
      'ledger_entries_user_id_fkey',
    ],
    ['an enum value added', ['adjustment\n', 'adjustment\n  bonus\n'], 'enum ledger_kind'],
    ['a column renamed', ['@map("balance_after")', '@map("balance")'], 'ledger_entries.balance'],
    [
      'a model added',
      ['enum LedgerKind', 'model Extra {\n  id Int @id\n}\n\nenum LedgerKind'],
      'table Extra',
    ],
  ])('notices %s in schema.prisma alone', (_what, [from, to], mention) => {
    expect(schemaText).toContain(from);
    const diff = diffWith(schemaText.replace(from, to));
    expect(diff.length).toBeGreaterThan(0);
    expect(diff.join('\n')).toContain(mention);
  });

  it('notices a change made to the database alone', async () => {
    await client.query('ALTER TABLE api_keys ALTER COLUMN name DROP NOT NULL');
    await client.query('CREATE INDEX stray_idx ON users (created_at)');
    const diff = diffFacts(
      factsFromPrismaSchema(readPrismaSchema(schemaText)),
      await factsFromDatabase(client),
    );
    expect(diff).toEqual([
      'in schema.prisma, not in the database: column api_keys.name text NOT NULL default none',
      'in the database, not in schema.prisma: column api_keys.name text NULL default none',
      'in the database, not in schema.prisma: index stray_idx on users (created_at)',
    ]);
  });
});
