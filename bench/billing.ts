// `npm run bench:billing`: the Stripe webhook path of the real API (in this process, real PostgreSQL and Redis)
// fed by the Stripe test server: checkout, then each kind of delivery timed one at a time (a first completion
// that credits, a duplicate, a forged one, a partial refund that takes back), then completions at concurrency
// 16 and ten identical copies at once. Prints latencies, same-run ratios and the ledger audit.
// Its own database (BENCH_BILLING_DATABASE_URL, default easel_bench_billing). Knobs: BENCH_PURCHASES (120).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../apps/api/src/config/app-config.js';
import { createApp } from '../apps/api/src/create-app.js';
import { migrateDatabase } from '../apps/api/src/database/migrate.js';
import { PrismaService } from '../apps/api/src/database/prisma.service.js';
import { LedgerRepository } from '../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../apps/api/src/ledger/ledger.service.js';
import { startStripeTestServer, type TestEvent } from '../test/support/stripe-server/index.js';

const databaseUrl =
  process.env.BENCH_BILLING_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/easel_bench_billing';
const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 120);
const USERS = 10;

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
const summary = (label: string, ms: number[]): number => {
  const p50 = quantile(ms, 0.5);
  console.log(
    `${label.padEnd(44)} p50 ${fmt(p50)}  p95 ${fmt(quantile(ms, 0.95))}  max ${fmt(Math.max(...ms))}  (n=${ms.length})`,
  );
  return p50;
};

async function main(): Promise<void> {
  await migrateDatabase(databaseUrl);
  const stripe = await startStripeTestServer({ autoDeliver: false });
  const logs: { ms?: number; outcome?: string; msg?: string }[] = [];
  const config = loadConfig({
    ...stripe.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `easel-bench:${randomUUID()}:`,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'easel-bench-billing-')),
    RATE_LIMIT_AUTH_IP_MAX: '100000',
    DEMO_ACCOUNT: 'false',
  });
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as (typeof logs)[0]);
      callback();
    },
  });
  const app = await createApp(config, { logStream });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const api = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  stripe.setWebhookUrl(`${api}/api/billing/stripe/webhook`);
  const prisma = new PrismaService({ url: databaseUrl, poolSize: 2 });
  const userIds: string[] = [];

  try {
    const tokens: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const reply = await fetch(`${api}/api/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `bench-${randomUUID()}@easel.test`,
          password: 'correct horse battery',
        }),
      });
      const body = (await reply.json()) as { user: { id: string }; accessToken: string };
      userIds.push(body.user.id);
      tokens.push(body.accessToken);
    }
    const checkoutMs: number[] = [];
    const sessions: string[] = [];
    for (let i = 0; i < PURCHASES * 2; i++) {
      const started = performance.now();
      const reply = await fetch(`${api}/api/billing/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % USERS]}` },
        body: JSON.stringify({ packId: 'credits-1000' }),
      });
      if (reply.status !== 201) throw new Error(`checkout ${reply.status}: ${await reply.text()}`);
      sessions.push(((await reply.json()) as { id: string }).id);
      checkoutMs.push(performance.now() - started);
    }
    const completions = sessions.map((id) => stripe.pay(id));
    const [sequential, concurrent] = [completions.slice(0, PURCHASES), completions.slice(PURCHASES)];

    const timed = async (events: TestEvent[], opts: Parameters<typeof stripe.deliver>[1] = {}) => {
      const ms: number[] = [];
      for (const event of events) {
        const [result] = await stripe.deliver(event, opts);
        const expected = opts.signature && opts.signature !== 'valid' ? 400 : 200;
        if (result.status !== expected)
          throw new Error(`delivery answered ${result.status}: ${JSON.stringify(result.body)}`);
        ms.push(result.ms);
      }
      return ms;
    };
    console.log(
      `billing bench: ${PURCHASES * 2} purchases of ${USERS} users, Stripe test server on loopback`,
    );
    summary('POST /api/billing/checkout (2 Stripe calls max)', checkoutMs);
    const firstLog = logs.length;
    const processed = summary('webhook: completion, credits 1,000', await timed(sequential));
    const server = logs
      .slice(firstLog)
      .filter((l) => l.msg === 'stripe webhook' && l.outcome === 'processed');
    summary(
      '  of which inside the API (log ms)',
      server.map((l) => l.ms ?? 0),
    );
    const duplicate = summary('webhook: the same event again (duplicate)', await timed(sequential));
    const forged = summary(
      'webhook: forged signature (400)',
      await timed(sequential, { signature: 'forged' }),
    );
    const refunds = sequential.map((event) => stripe.refund(event.data.object.id, 250));
    const refund = summary('webhook: partial refund, takes back 250', await timed(refunds));

    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const queue = [...concurrent];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let event = queue.shift(); event; event = queue.shift()) await stripe.deliver(event);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    // CPU time is what load on a shared machine does not inflate (PostgreSQL's own CPU is not in it).
    const cpuMs = (cpu.user + cpu.system) / 1000 / concurrent.length;
    console.log(
      `${'webhook: completions at concurrency 16'.padEnd(44)} ${(concurrent.length / seconds).toFixed(0)} events/s, ` +
        `${cpuMs.toFixed(1)} ms CPU per event in this process (API + Stripe stand-in + sender)`,
    );
    const copies = await stripe.deliver(stripe.pay((await freshSession(api, tokens[0])).id), { copies: 10 });
    const outcomes = copies.map((c) => (c.body as { outcome: string }).outcome);
    console.log(
      `${'webhook: 10 identical copies at once'.padEnd(44)} ${outcomes.filter((o) => o === 'processed').length} processed, ` +
        `${outcomes.filter((o) => o === 'duplicate').length} duplicates, slowest ${fmt(Math.max(...copies.map((c) => c.ms)))}`,
    );
    console.log(
      `ratios (p50): duplicate/completion ${(duplicate / processed).toFixed(2)}, forged/completion ${(forged / processed).toFixed(2)}, ` +
        `refund/completion ${(refund / processed).toFixed(2)}`,
    );
    const report = await new LedgerService(prisma, new LedgerRepository(prisma)).audit();
    console.log(
      `ledger audit: ${report.accounts} accounts, ${report.entries} entries, ${report.mismatches.length} mismatches`,
    );
  } finally {
    await stripe.close();
    await app.close();
    await prisma.$executeRaw`DELETE FROM ledger_entries WHERE user_id = ANY(${userIds}::uuid[])`;
    await prisma.$executeRaw`DELETE FROM users WHERE id = ANY(${userIds}::uuid[])`;
    await prisma.$disconnect();
  }
}

async function freshSession(api: string, token: string): Promise<{ id: string }> {
  const reply = await fetch(`${api}/api/billing/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ packId: 'credits-1000' }),
  });
  return (await reply.json()) as { id: string };
}

await main();
