import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

import { ensureDatabaseExists } from './create-database.js';

// Same key as Prisma's schema engine, so our runner and `prisma migrate deploy` exclude each other.
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

// Verbatim the table Prisma's schema engine creates on PostgreSQL.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

/** apps/api/{src,dist}/database → <repo>/prisma/migrations */
export const DEFAULT_MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../prisma/migrations',
);

export interface MigrateOptions {
  log?: (message: string) => void;
  migrationsDir?: string;
}

export interface MigrateResult {
  applied: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

interface LocalMigration {
  name: string;
  script: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Creates the database if missing and applies pending migrations, keeping Prisma's bookkeeping. */
export async function migrateDatabase(
  databaseUrl: string,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const log = options.log ?? (() => undefined);
  const local = readLocalMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  await ensureDatabaseExists(databaseUrl, log);

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    try {
      return { applied: await applyPending(client, local, log) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function applyPending(
  client: pg.Client,
  local: LocalMigration[],
  log: (m: string) => void,
): Promise<string[]> {
  const exists = await client.query<{ t: string | null }>(
    `SELECT to_regclass('_prisma_migrations')::text AS t`,
  );
  if (exists.rows[0].t === null) await client.query(CREATE_MIGRATIONS_TABLE);

  const { rows } = await client.query<AppliedRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at',
  );
  const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed.length > 0) {
    throw new MigrationError(
      `migration ${failed[0].migration_name} failed earlier and is not resolved; fix the database, then mark it ` +
        `rolled back (UPDATE _prisma_migrations SET rolled_back_at = now() ...) or resolve it with prisma migrate resolve`,
    );
  }
  const applied = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
  const localNames = new Set(local.map((m) => m.name));
  for (const row of applied.values()) {
    if (!localNames.has(row.migration_name)) {
      log(`warning: migration ${row.migration_name} is applied but missing from prisma/migrations`);
    }
  }

  const done: string[] = [];
  for (const migration of local) {
    const row = applied.get(migration.name);
    if (row) {
      if (!checksumMatches(migration.script, row.checksum)) {
        throw new MigrationError(
          `migration ${migration.name} was modified after it was applied (checksum ${row.checksum} in the ` +
            `database, ${migration.checksum} on disk); never edit an applied migration, add a new one instead`,
        );
      }
      continue;
    }
    await applyOne(client, migration);
    log(`applied migration ${migration.name}`);
    done.push(migration.name);
  }
  if (done.length === 0) log('database is up to date');
  return done;
}

async function applyOne(client: pg.Client, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), 0)`,
    [id, migration.checksum, migration.name],
  );
  try {
    // One simple-protocol query: PostgreSQL runs a multi-statement script as one implicit transaction.
    await client.query(migration.script);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await client.query('UPDATE _prisma_migrations SET logs = $2 WHERE id = $1', [id, message]);
    throw new MigrationError(`migration ${migration.name} failed: ${message}`);
  }
  await client.query(
    'UPDATE _prisma_migrations SET finished_at = now(), applied_steps_count = applied_steps_count + 1 WHERE id = $1',
    [id],
  );
}

export function readLocalMigrations(dir: string): LocalMigration[] {
  if (!existsSync(dir)) throw new MigrationError(`migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(dir, name, 'migration.sql'));
      return { name, script: bytes.toString('utf8'), checksum: sha256Hex(bytes) };
    });
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

// Like Prisma: a checkout with other line endings (git autocrlf) still matches.
function checksumMatches(script: string, checksum: string): boolean {
  const lf = script.replace(/\r\n/g, '\n');
  return [script, lf, lf.replace(/\n/g, '\r\n')].some((s) => sha256Hex(s) === checksum);
}
