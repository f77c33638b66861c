// `npm run bench:soak [-- --rate 10 --duration 60]`: the API (its own process, from source, its own database
// easel_bench_soak) and a GPU worker process on the easel-tiny engine (CPU), driven open-loop at a fixed request
// rate for a set time with a mix of reads (balance, ledger, generation list, one generation) and generations.
// Every few seconds it samples the API's and the worker's RSS and heap (their /metrics) and the queue; at the end
// it prints the memory series and its slope (flat is the goal), latency percentiles and errors per request type,
// how the generations ended, and the ledger audit of the soak database.
// Flags or variables: --rate / SOAK_RATE (10 req/s), --duration / SOAK_SECONDS (60), --sample / SOAK_SAMPLE_SECONDS
// (5), --generate-share / SOAK_GENERATE_SHARE (0.2 of requests), --steps / SOAK_STEPS (10), SOAK_DATABASE_URL.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, openSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { generationQueueName } from '@easel/contracts';
import { Queue } from 'bullmq';
import pg from 'pg';
import { PrismaService } from '../apps/api/src/database/prisma.service.js';
import { LedgerRepository } from '../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../apps/api/src/ledger/ledger.service.js';
import { sample as metric } from '../test/support/prometheus.js';
import { REDIS_URL, spawnWorker } from '../test/worker/worker-harness.js';
import { postJson, waitReady } from './support/http.js';
import {
  printLatencies,
  printMemorySeries,
  printSlopes,
  type MemorySample,
  type Outcome,
} from './support/soak-stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    rate: { type: 'string' },
    duration: { type: 'string' },
    sample: { type: 'string' },
    'generate-share': { type: 'string' },
    steps: { type: 'string' },
  },
});
const rate = Number(flags.rate ?? process.env.SOAK_RATE ?? 10);
const seconds = Number(flags.duration ?? process.env.SOAK_SECONDS ?? 60);
const sampleSeconds = Number(flags.sample ?? process.env.SOAK_SAMPLE_SECONDS ?? 5);
const generateShare = Number(flags['generate-share'] ?? process.env.SOAK_GENERATE_SHARE ?? 0.2);
const steps = Number(flags.steps ?? process.env.SOAK_STEPS ?? 10);
const databaseUrl = process.env.SOAK_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/easel_bench_soak';
const MAX_IN_FLIGHT = 256;
const PROMPTS = [
  'a large red circle on the left',
  'two yellow stars on black',
  'a small blue square on white',
];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startApi(
  port: number,
  metricsPort: number,
  storageRoot: string,
): { child: ChildProcess; logFile: string } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easel-soak-'));
  const logFile = path.join(dataDir, 'api.log');
  const log = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    ['--conditions=@easel/source', '--import', './tools/db/register.mjs', 'apps/api/src/main.ts'],
    {
      cwd: root,
      stdio: ['ignore', log, log],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: String(metricsPort),
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        DATA_DIR: dataDir,
        JWT_SECRET: randomUUID() + randomUUID(),
        REDIS_KEY_PREFIX: `easel-soak:${randomUUID()}:`,
        STORAGE_DRIVER: 'fs',
        STORAGE_FS_ROOT: storageRoot,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_API_KEY_MAX: '1000000000',
        DEMO_ACCOUNT: 'false',
        API_WORKERS: '1',
      },
    },
  );
  return { child, logFile };
}

async function scrape(url: string): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(url)).text();
  const pick = (suffix: string) =>
    metric(text, `easel_api_${suffix}`) ?? metric(text, `easel_worker_${suffix}`) ?? NaN;
  return { rss: pick('process_resident_memory_bytes'), heap: pick('nodejs_heap_size_used_bytes') };
}

async function main(): Promise<void> {
  const storageRoot = mkdtempSync(path.join(tmpdir(), 'easel-soak-storage-'));
  const engine = `soak-tiny-${randomUUID().slice(0, 8)}`;
  const [port, metricsPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const { child: api, logFile } = startApi(port, metricsPort, storageRoot);
  const worker = spawnWorker({
    REDIS_URL,
    WORKER_ENGINES: `${engine}=${path.join(root, 'models/easel-tiny')}`,
    WORKER_ID: `soak-${engine}`,
    STORAGE_DRIVER: 'fs',
    STORAGE_FS_ROOT: storageRoot,
    HEALTH_PORT: '0',
    HEALTH_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    INTRA_OP_THREADS: '1',
  });
  const queue = new Queue(generationQueueName(engine), { connection: { url: REDIS_URL } });
  const db = new pg.Client({ connectionString: databaseUrl });
  try {
    const [, workerPort] = await Promise.all([waitReady(base, api, logFile, 120_000), worker.ready]);
    await db.connect();
    // The soak's own database: a clean slate, so its audit and counts are this run's.
    await db.query(
      'TRUNCATE users, credit_balances, ledger_entries, api_keys, generations, artifacts CASCADE',
    );
    const signup = await postJson<{ user: { id: string }; accessToken: string }>(base, '/api/auth/signup', {
      email: `soak-${randomUUID()}@easel.test`,
      password: 'soak password',
    });
    await db.query(
      `WITH b AS (UPDATE credit_balances SET credits = credits + $2 WHERE user_id = $1 RETURNING credits)
       INSERT INTO ledger_entries (id, user_id, amount, kind, reference, balance_after)
       SELECT $3, $1, $2, 'adjustment', $4, credits FROM b`,
      [signup.user.id, 10_000_000, randomUUID(), `soak:${randomUUID()}`],
    );
    const { key } = await postJson<{ key: string }>(base, '/api/keys', { name: 'soak' }, signup.accessToken);
    const auth = { authorization: `Bearer ${key}` };
    const apiMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
    const workerMetrics = `http://127.0.0.1:${workerPort}/metrics`;
    console.log(
      `soak: ${rate} req/s for ${seconds} s (${(generateShare * 100).toFixed(0)} % generations of ${steps} steps on easel-tiny 64x64, CPU), sampling every ${sampleSeconds} s; ${cpus().length} cores, load ${(loadavg()[0] ?? 0).toFixed(1)}`,
    );

    const outcomes: Outcome[] = [];
    const recent: string[] = [];
    let inFlight = 0;
    let skipped = 0;
    const timed = async (
      type: string,
      route: string,
      init: RequestInit = {},
    ): Promise<Response | undefined> => {
      const t0 = performance.now();
      try {
        const response = await fetch(`${base}${route}`, { ...init, headers: { ...auth, ...init.headers } });
        await response.arrayBuffer().then((body) => {
          if (type === 'generate' && response.status === 202) {
            const id = (JSON.parse(Buffer.from(body).toString()) as { id: string }).id;
            recent.push(id);
            if (recent.length > 50) recent.shift();
          }
        });
        outcomes.push({ type, ms: performance.now() - t0, status: response.status });
        return response;
      } catch {
        outcomes.push({ type, ms: performance.now() - t0, status: 0 });
        return undefined;
      }
    };
    const one = (): Promise<unknown> => {
      const roll = Math.random();
      if (roll < generateShare) {
        return timed('generate', '/api/generations', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ engine, prompt: PROMPTS[outcomes.length % PROMPTS.length], steps }),
        });
      }
      const read = (roll - generateShare) / (1 - generateShare);
      if (read < 0.35) return timed('balance', '/api/balance');
      if (read < 0.6) return timed('ledger', '/api/ledger?limit=20');
      if (read < 0.85) return timed('list', '/api/generations?limit=10');
      const id = recent[Math.floor(Math.random() * recent.length)];
      return id ? timed('get', `/api/generations/${id}`) : timed('balance', '/api/balance');
    };

    const samples: MemorySample[] = [];
    const started = performance.now();
    const takeSample = async () => {
      const [a, w, waiting] = await Promise.all([
        scrape(apiMetrics),
        scrape(workerMetrics),
        queue.getWaitingCount(),
      ]);
      samples.push({
        t: (performance.now() - started) / 1000,
        apiRss: a.rss,
        apiHeap: a.heap,
        workerRss: w.rss,
        workerHeap: w.heap,
        queueWaiting: waiting,
        inFlight,
      });
    };
    await takeSample();
    const sampler = setInterval(() => void takeSample(), sampleSeconds * 1000);
    const pending = new Set<Promise<unknown>>();
    const total = Math.round(rate * seconds);
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (inFlight >= MAX_IN_FLIGHT) {
        skipped++;
        continue;
      }
      inFlight++;
      const request = one().finally(() => {
        inFlight--;
        pending.delete(request);
      });
      pending.add(request);
    }
    await Promise.all([...pending]);
    clearInterval(sampler);
    await takeSample();
    const loadSeconds = (performance.now() - started) / 1000;

    printMemorySeries(samples);
    printSlopes(samples);
    printLatencies(outcomes, loadSeconds);
    console.log(`requests not sent (over ${MAX_IN_FLIGHT} in flight): ${skipped}`);

    // Let the worker finish what was accepted, then see how every generation ended and audit the ledger.
    const drainStart = performance.now();
    while ((await queue.getWaitingCount()) + (await queue.getActiveCount()) > 0) {
      if (performance.now() - drainStart > 180_000) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000)); // the finalizer settles the last outcomes
    const { rows } = await db.query<{ status: string; n: string }>(
      'SELECT status::text, count(*) AS n FROM generations GROUP BY status ORDER BY status',
    );
    console.log(
      `\ngenerations: ${rows.map((r) => `${r.status} ${r.n}`).join(', ')} (queue drained in ${((performance.now() - drainStart) / 1000).toFixed(1)} s)`,
    );
    const prisma = new PrismaService({ url: databaseUrl, poolSize: 1 });
    try {
      const audit = await new LedgerService(prisma, new LedgerRepository(prisma)).audit();
      console.log(
        `ledger audit: ${audit.accounts} accounts, ${audit.entries} entries, ${audit.mismatches.length} mismatches`,
      );
      if (audit.mismatches.length > 0) process.exitCode = 1;
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited;
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await db.end().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
