// The migration runner against real PostgreSQL: creation, concurrency, Prisma's bookkeeping, refusals.
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

import { databaseUrlFor } from '../../../../test/support/database.js';
import { DEFAULT_MIGRATIONS_DIR, migrateDatabase, readLocalMigrations } from './migrate.js';

const created: string[] = [];
const tmpDirs: string[] = [];

function freshDatabase(): { name: string; url: string } {
  const name = `easel_migrate_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  created.push(name);
  return { name, url: databaseUrlFor(name) };
}

function copyOfMigrations(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'easel-migrations-'));
  tmpDirs.push(dir);
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: databaseUrlFor('postgres') });
  await admin.connect();
  for (const name of created)
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await admin.end();
});

describe('migrateDatabase', () => {
  it('creates a missing database once and migrates it, even when started four times at once', async () => {
    const { url } = freshDatabase();
    const results = await Promise.all(Array.from({ length: 4 }, () => migrateDatabase(url)));
    const names = readLocalMigrations(DEFAULT_MIGRATIONS_DIR).map((m) => m.name);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(names);
    expect((await migrateDatabase(url)).applied).toEqual([]);

    const rows = await query<{
      id: string;
      checksum: string;
      migration_name: string;
      steps: number;
      done: boolean;
    }>(
      url,
      `SELECT id, checksum, migration_name, applied_steps_count AS steps, finished_at IS NOT NULL AS done
         FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const bytes = readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row).toMatchObject({ steps: 1, done: true });
    }
  });

  it('keeps the _prisma_migrations table exactly as Prisma defines it', async () => {
    const { url } = freshDatabase();
    await migrateDatabase(url);
    const columns = await query(
      url,
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', len: 36, is_nullable: 'NO', column_default: null },
      {
        column_name: 'checksum',
        data_type: 'character varying',
        len: 64,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        len: 255,
        is_nullable: 'NO',
        column_default: null,
      },
      { column_name: 'logs', data_type: 'text', len: null, is_nullable: 'YES', column_default: null },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        len: null,
        is_nullable: 'NO',
        column_default: 'now()',
      },
      {
        column_name: 'applied_steps_count',
        data_type: 'integer',
        len: null,
        is_nullable: 'NO',
        column_default: '0',
      },
    ]);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const { url } = freshDatabase();
    const dir = copyOfMigrations();
    await migrateDatabase(url, { migrationsDir: dir });
    const [first] = readLocalMigrations(dir);
    writeFileSync(path.join(dir, first.name, 'migration.sql'), `${first.script}\n-- edited\n`);
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(
      `migration ${first.name} was modified after it was applied`,
    );
  });

  it('applies a new migration, records a failing one with its error and then stops until it is resolved', async () => {
    const { url } = freshDatabase();
    const dir = copyOfMigrations();
    await migrateDatabase(url, { migrationsDir: dir });
    mkdirSync(path.join(dir, '20990101000000_add_note'));
    writeFileSync(
      path.join(dir, '20990101000000_add_note', 'migration.sql'),
      'ALTER TABLE "users" ADD COLUMN "note" TEXT;\n',
    );
    const log: string[] = [];
    expect((await migrateDatabase(url, { migrationsDir: dir, log: (m) => log.push(m) })).applied).toEqual([
      '20990101000000_add_note',
    ]);
    expect(log).toEqual(['applied migration 20990101000000_add_note']);

    mkdirSync(path.join(dir, '20990102000000_broken'));
    writeFileSync(
      path.join(dir, '20990102000000_broken', 'migration.sql'),
      'ALTER TABLE "users" ADD COLUMN "half" TEXT;\nALTER TABLE "nowhere" ADD COLUMN "x" TEXT;\n',
    );
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(
      /20990102000000_broken failed/,
    );
    const [row] = await query<{ logs: string; finished_at: Date | null }>(
      url,
      `SELECT logs, finished_at FROM _prisma_migrations WHERE migration_name = '20990102000000_broken'`,
    );
    expect(row.finished_at).toBeNull();
    expect(row.logs).toContain('"nowhere" does not exist');
    // The script ran as one transaction: its first statement did not stick.
    expect(await query(url, `SELECT 1 FROM information_schema.columns WHERE column_name = 'half'`)).toEqual(
      [],
    );
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(
      /failed earlier and is not resolved/,
    );
  });
});
