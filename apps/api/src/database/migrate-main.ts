/**
 * `node apps/api/dist/database/migrate-main.js`: apply pending migrations and exit — the API image's migration
 * step (the Kubernetes API Deployment's initContainer; DB_AUTO_MIGRATE does the same inside the API). Reads only
 * DATABASE_URL, validated by the API's own schema, so it needs no other secret.
 */
import { EnvSchema } from '../config/config.schema.js';
import { migrateDatabase } from './migrate.js';

const parsed = EnvSchema.pick({ DATABASE_URL: true }).safeParse({
  DATABASE_URL: process.env.DATABASE_URL || undefined,
});
if (!parsed.success) {
  console.error(`Invalid configuration: DATABASE_URL: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  process.exit(1);
}
try {
  const { applied } = await migrateDatabase(parsed.data.DATABASE_URL, {
    log: (line) => console.log(`[migrate] ${line}`),
  });
  console.log(`[migrate] ${applied.length} migration(s) applied; the schema is up to date`);
} catch (error) {
  console.error(`[migrate] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
