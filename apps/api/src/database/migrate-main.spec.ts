// The image's migration step (the Kubernetes initContainer) as a process: a fresh database is created and
// migrated, a second run is a no-op, and a bad DATABASE_URL fails with a line naming it.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrlFor } from '../../../../test/support/database.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const name = `easel_migrate_main_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

function migrateMain(databaseUrl: string): Promise<{ code: number; out: string }> {
  const args = [
    '--conditions=@easel/source',
    '--import',
    './tools/db/register.mjs',
    'apps/api/src/database/migrate-main.ts',
  ];
  return promisify(execFile)(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      out: error.stdout + error.stderr,
    }),
  );
}

afterAll(async () => {
  const admin = new pg.Client({ connectionString: databaseUrlFor('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await admin.end();
});

describe('migrate-main', () => {
  it('migrates a new database, then finds nothing to do', async () => {
    const first = await migrateMain(databaseUrlFor(name));
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/\[migrate\] [1-9]\d* migration\(s\) applied/);
    const second = await migrateMain(databaseUrlFor(name));
    expect(second).toMatchObject({
      code: 0,
      out: expect.stringContaining('0 migration(s) applied') as string,
    });
  });

  it('exits 1 naming DATABASE_URL when it is not a PostgreSQL URL', async () => {
    const result = await migrateMain('mysql://nope');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/DATABASE_URL/);
  });
});
