// Test database helpers shared by every integration test (real PostgreSQL).
// Usage: beforeAll(() => migrateTestDatabase()); const prisma = createTestPrisma(); createTestUser(prisma, …)
import { randomUUID } from 'node:crypto';
import pg from 'pg';

import { migrateDatabase } from '../../apps/api/src/database/migrate.js';
import { PrismaService } from '../../apps/api/src/database/prisma.service.js';
import type { SqlRunner } from '../../apps/api/src/ledger/ledger.repository.js';

const DEFAULT_TEST_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/easel_test';

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
}

let migrated: Promise<unknown> | undefined;

/** Creates and migrates the test database once per process; safe across parallel test files (advisory lock). */
export function migrateTestDatabase(): Promise<unknown> {
  migrated ??= migrateDatabase(testDatabaseUrl());
  return migrated;
}

/** A PrismaService on the test database; call `$disconnect()` in afterAll. */
export function createTestPrisma(poolSize = 10): PrismaService {
  return new PrismaService({ url: testDatabaseUrl(), poolSize });
}

export interface TestUser {
  id: string;
  email: string;
  /** Present when a password was given: the plain text, to log in with. */
  password?: string;
}

/**
 * A user with an open credit account holding `credits` (recorded as one grant entry, so audits stay clean).
 * With `password` the hash is a real argon2id hash; without it, no password can log in.
 */
export async function createTestUser(
  db: SqlRunner,
  opts: { credits?: number; email?: string; password?: string } = {},
): Promise<TestUser> {
  const id = randomUUID();
  const email = opts.email ?? `test-${id}@easel.test`;
  const credits = opts.credits ?? 0;
  let passwordHash = '!';
  if (opts.password !== undefined) {
    const argon2 = await import('argon2');
    passwordHash = await argon2.hash(opts.password, { type: argon2.argon2id });
  }
  await db.$executeRaw`INSERT INTO users (id, email, password_hash) VALUES (${id}::uuid, ${email}, ${passwordHash})`;
  await db.$executeRaw`INSERT INTO credit_balances (user_id, credits) VALUES (${id}::uuid, ${credits}::int)`;
  if (credits > 0) {
    // Stamped with the balance row's updated_at, as the ledger's own movements are: the next movement is then
    // strictly later (the audit orders each account's chain by created_at). A separate now() could round to the
    // same millisecond as that movement and order the two by their random ids.
    await db.$executeRaw`INSERT INTO ledger_entries (id, user_id, amount, kind, reference, balance_after, created_at)
      SELECT ${randomUUID()}::uuid, ${id}::uuid, ${credits}::int, 'grant', ${`test:${id}`}, ${credits}::int, updated_at
        FROM credit_balances WHERE user_id = ${id}::uuid`;
  }
  return { id, email, ...(opts.password !== undefined ? { password: opts.password } : {}) };
}

/** Removes users and everything hanging off them (ledger entries first: their FK is RESTRICT). */
export async function deleteTestUsers(db: SqlRunner, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await db.$executeRaw`DELETE FROM ledger_entries WHERE user_id = ANY(${userIds}::uuid[])`;
  await db.$executeRaw`DELETE FROM users WHERE id = ANY(${userIds}::uuid[])`;
}

/** URL of a database named `name` on the test server. */
export function databaseUrlFor(name: string): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A throw-away database (created and migrated) for tests that must corrupt or inspect a pristine schema.
 * `drop()` removes it again; it only ever drops the database it created.
 */
export async function createScratchDatabase(
  prefix: string,
  opts: { migrate?: boolean } = {},
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const url = databaseUrlFor(name);
  const admin = new pg.Client({ connectionString: databaseUrlFor('postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  if (opts.migrate !== false) await migrateDatabase(url);
  const drop = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: databaseUrlFor('postgres') });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
  return { url, name, drop };
}
