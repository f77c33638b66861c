// `npm run db:migrate`: create the database if missing and apply pending migrations.
import { migrateDatabase } from '../../apps/api/src/database/migrate.js';

const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/easel';

try {
  await migrateDatabase(url, { log: (message) => console.log(message) });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
