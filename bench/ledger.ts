// `npm run bench:ledger`: LedgerService.debit at concurrency 32 against same-run baselines of bare SQL on `pg`.
// Prints ops/s and ratios. Uses its own database (BENCH_DATABASE_URL, default easel_bench), created if missing.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

import { migrateDatabase } from '../apps/api/src/database/migrate.js';
import { PrismaService } from '../apps/api/src/database/prisma.service.js';
import { LedgerRepository, movementStatement } from '../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../apps/api/src/ledger/ledger.service.js';

const url = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/easel_bench';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 64);

type Debit = (userId: string, reference: string) => Promise<unknown>;

/** Runs `debit` from CONCURRENCY workers for SECONDS; each worker cycles over its share of the accounts. */
async function measure(debit: Debit, accounts: string[], label: string): Promise<number> {
  let ops = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        await debit(accounts[(w + i * CONCURRENCY) % accounts.length], `bench:${label}:${randomUUID()}`);
        ops++;
      }
    }),
  );
  return ops / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  await migrateDatabase(url);
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  const prisma = new PrismaService({ url, poolSize: POOL_SIZE });
  await prisma.$connect();
  const ledger = new LedgerService(prisma, new LedgerRepository(prisma));

  // Its own database: start from empty accounts (CASCADE also clears generations that reference users).
  await pool.query('TRUNCATE ledger_entries, credit_balances, api_keys, users CASCADE');
  // Separate accounts per side: the bare baseline stamps entries with now(), which does not order a chain.
  const openAccounts = async (): Promise<string[]> => {
    const ids = Array.from({ length: ACCOUNTS }, () => randomUUID());
    await pool.query(
      `INSERT INTO users (id, email, password_hash) SELECT id, id::text || '@bench.test', '!' FROM unnest($1::uuid[]) id`,
      [ids],
    );
    // Enough credits never to run out, recorded as a grant so the accounts audit clean.
    await pool.query(
      `WITH b AS (INSERT INTO credit_balances (user_id, credits) SELECT id, 1000000000 FROM unnest($1::uuid[]) id
                  RETURNING user_id, credits)
       INSERT INTO ledger_entries (id, user_id, amount, kind, reference, balance_after)
       SELECT gen_random_uuid(), user_id, credits, 'grant', 'bench-seed:' || user_id, credits FROM b`,
      [ids],
    );
    return ids;
  };
  const bareAccounts = await openAccounts();
  const ledgerAccounts = await openAccounts();

  // As the issue words it: the conditional UPDATE + INSERT, two statements in one transaction.
  const bareTwoStatements: Debit = async (userId, reference) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ credits: number }>(
        `UPDATE credit_balances SET credits = credits - $1, updated_at = now()
          WHERE user_id = $2 AND credits >= $1 RETURNING credits`,
        [1, userId],
      );
      if (rows.length === 0) throw new Error('insufficient credits');
      await client.query(
        `INSERT INTO ledger_entries (id, user_id, amount, kind, reference, balance_after)
         VALUES ($1, $2, $3, 'debit', $4, $5)`,
        [randomUUID(), userId, -1, reference, rows[0].credits],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  };
  // Like for like: the ledger's own statement (same SQL text and values), autocommit on bare pg.
  const bareLedgerStatement: Debit = async (userId, reference) => {
    const m = { id: randomUUID(), userId, amount: -1, kind: 'debit' as const, reference, requireFunds: true };
    const sql = movementStatement(m, 'fail');
    await pool.query(sql.text, sql.values);
  };
  const service: Debit = (userId, reference) => ledger.debit(userId, 1, reference);
  // The path a caller takes to debit together with its own writes (e.g. a generation row).
  const serviceInTx: Debit = (userId, reference) =>
    prisma.$transaction((tx) => ledger.debit(userId, 1, reference, { tx }), {
      maxWait: 30_000,
      timeout: 30_000,
    });

  const runs = {
    bare: [] as number[],
    bareSame: [] as number[],
    ledger: [] as number[],
    ledgerTx: [] as number[],
  };
  await measure(service, ledgerAccounts, 'warmup'); // JIT, pools, plans
  await measure(bareTwoStatements, bareAccounts, 'warmup');
  for (let r = 0; r < ROUNDS; r++) {
    runs.bare.push(await measure(bareTwoStatements, bareAccounts, 'bare'));
    runs.bareSame.push(await measure(bareLedgerStatement, ledgerAccounts, 'bare-same'));
    runs.ledger.push(await measure(service, ledgerAccounts, 'ledger'));
    runs.ledgerTx.push(await measure(serviceInTx, ledgerAccounts, 'ledger-tx'));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (xs: number[]) =>
    `${median(xs).toFixed(0)} ops/s (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;
  const audit = await ledger.audit();
  const ledgerMismatches = audit.mismatches.filter((m) => ledgerAccounts.includes(m.userId));

  console.log(
    `ledger debit benchmark: concurrency ${CONCURRENCY}, pool ${POOL_SIZE} per side, ${ACCOUNTS} accounts, ` +
      `${ROUNDS} × ${SECONDS}s rounds, medians`,
  );
  console.log(`  bare pg, UPDATE + INSERT in one transaction : ${fmt(runs.bare)}`);
  console.log(`  bare pg, the ledger's single statement      : ${fmt(runs.bareSame)}`);
  console.log(`  LedgerService.debit (Prisma + adapter-pg)   : ${fmt(runs.ledger)}`);
  console.log(`  LedgerService.debit in prisma.$transaction  : ${fmt(runs.ledgerTx)}`);
  console.log(
    `  ratio ledger / bare (target >= 0.6)         : ${(median(runs.ledger) / median(runs.bare)).toFixed(2)}`,
  );
  console.log(
    `  ratio ledger / bare, same statement         : ${(median(runs.ledger) / median(runs.bareSame)).toFixed(2)}`,
  );
  console.log(`  audit of the ledger's accounts after the run: ${ledgerMismatches.length} mismatches`);

  await pool.end();
  await prisma.$disconnect();
  if (ledgerMismatches.length > 0) process.exitCode = 1;
}

await main();
