// `npm run bench:e2e`: the API (its own process, from source, its own database easel_bench_e2e) and TWO GPU-worker
// processes on the generated test model (64x64, 4 steps, CPU), all on real PostgreSQL, Redis and an fs object store.
//  1. latency: as many clients as workers submit native text-to-image with `Prefer: wait` (so nothing queues behind
//     another job): request → completion p50/p99, and the service's own overhead = end-to-end − the worker's
//     pipeline time for that job (timings.pipelineMs).
//  2. throughput: 4 clients per worker, images/s and latency under load (queueing included).
//  3. the submit path alone (POST → 202: auth, price, debit + insert in one transaction, enqueue) with autocannon,
//     against a registry entry that no worker consumes, so workers take no CPU from it.
// Knobs: BENCH_PORT (a free one), BENCH_SECONDS (10), BENCH_JOBS (60), BENCH_CONNECTIONS (32), BENCH_PHASES (1,2,3),
// BENCH_API_WORKERS (1: API processes, node:cluster).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, openSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_REGISTRY_KEY, generationQueueName } from '@easel/contracts';
import { Queue } from 'bullmq';
import pg from 'pg';
import { cpuByCommand, cpuPerRequest, processTreeCpuSeconds } from './support/cpu.js';
import { autocannon, postJson, waitReady } from './support/http.js';
import { createTestEnv, REDIS_URL, spawnWorker, type WorkerProcess } from '../test/worker/worker-harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** A port nobody listens on now (other benches on this machine use fixed ones). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const port = Number(process.env.BENCH_PORT ?? (await freePort()));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const jobs = Number(process.env.BENCH_JOBS ?? 60);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const databaseUrl =
  process.env.BENCH_E2E_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/easel_bench_e2e';
const base = `http://127.0.0.1:${port}`;
const WORKERS = 2;
const phases = new Set((process.env.BENCH_PHASES ?? '1,2,3').split(',').map(Number));

interface Finished {
  id: string;
  status: string;
  error: { name: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  timings: { pipelineMs: number | null } | null;
}

/**
 * Where one job's time went, from the client's, PostgreSQL's, BullMQ's and the worker's own timestamps (one
 * machine, one clock; ms resolution).
 */
interface Breakdown {
  submit: number[]; // client POST → row created (HTTP, auth, validation)
  enqueue: number[]; // row created → job added (commit, enqueue)
  pickup: number[]; // job added → a worker took it
  start: number[]; // taken → the worker's job start (payload checks, cancel check)
  work: number[]; // the worker's start → its finish, less the pipeline (inputs, upload)
  complete: number[]; // the worker's finish → BullMQ marked the job completed
  settle: number[]; // completed → the client has the answer (event, settle, respond)
}

interface JobTimes {
  timestamp: number;
  processedOn?: number;
  finishedOn?: number;
  returnvalue: { startedAt: string; finishedAt: string } | null;
}

function startApi(storageRoot: string): { child: ChildProcess; logFile: string } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easel-bench-e2e-'));
  const logFile = path.join(dataDir, 'api.log');
  const log = openSync(logFile, 'a');
  // BENCH_API_NODE_ARGS: extra node flags for the API process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const extra = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [
    ...extra,
    '--conditions=@easel/source',
    '--import',
    './tools/db/register.mjs',
    'apps/api/src/main.ts',
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', log, log],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      JWT_SECRET: randomUUID() + randomUUID(),
      REDIS_KEY_PREFIX: `easel-bench-e2e:${randomUUID()}:`,
      STORAGE_DRIVER: 'fs',
      STORAGE_FS_ROOT: storageRoot,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_API_KEY_MAX: '1000000000',
      DEMO_ACCOUNT: 'false',
      API_WORKERS: process.env.BENCH_API_WORKERS ?? '1',
    },
  });
  return { child, logFile };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
const load1 = (): string => `load average ${(loadavg()[0] ?? 0).toFixed(1)} on ${cpus().length} cores`;

/** `clients` loops, each submitting and waiting for completion, until `total` jobs have finished. */
async function closedLoop(key: string, engine: string, clients: number, total: number, queue: Queue) {
  let next = 0;
  const e2e: number[] = [];
  const overhead: number[] = [];
  const pipeline: number[] = [];
  const failures: string[] = [];
  const parts: Breakdown = {
    submit: [],
    enqueue: [],
    pickup: [],
    start: [],
    work: [],
    complete: [],
    settle: [],
  };
  const timed: Array<{ id: string; createdAt: string; pipelineMs: number; sent: number; answered: number }> =
    [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        next++;
        const t0 = performance.now();
        const wall0 = Date.now();
        const view = await postJson<Finished>(
          base,
          '/api/generations',
          { engine, prompt: 'a red square' },
          key,
          {
            prefer: 'wait=60',
          },
        );
        const ms = performance.now() - t0;
        if (view.status !== 'succeeded') {
          failures.push(`${view.status}: ${view.error?.name ?? ''} ${view.error?.message ?? ''}`);
          continue;
        }
        const pipelineMs = view.timings?.pipelineMs ?? NaN;
        timed.push({ id: view.id, createdAt: view.createdAt, pipelineMs, sent: wall0, answered: wall0 + ms });
        e2e.push(ms);
        pipeline.push(pipelineMs);
        overhead.push(ms - pipelineMs);
      }
    }),
  );
  const wallS = (performance.now() - started) / 1000;
  // After the loop, so reading BullMQ's job timestamps costs the clients nothing.
  for (const t of timed) {
    const job = (await queue.getJob(t.id)) as JobTimes | undefined;
    const created = Date.parse(t.createdAt);
    const begun = Date.parse(job?.returnvalue?.startedAt ?? '');
    const done = Date.parse(job?.returnvalue?.finishedAt ?? '');
    parts.submit.push(created - t.sent);
    parts.enqueue.push((job?.timestamp ?? NaN) - created);
    parts.pickup.push((job?.processedOn ?? NaN) - (job?.timestamp ?? NaN));
    parts.start.push(begun - (job?.processedOn ?? NaN));
    parts.work.push(done - begun - t.pipelineMs);
    parts.complete.push((job?.finishedOn ?? NaN) - done);
    parts.settle.push(t.answered - (job?.finishedOn ?? NaN));
  }
  const sort = (a: number[]) => [...a].sort((x, y) => x - y);
  const breakdown = (Object.entries(parts) as Array<[string, number[]]>)
    .map(([name, values]) => `${name} ${fmt(percentile(sort(values), 50))}`)
    .join(', ');
  return { wallS, e2e: sort(e2e), overhead: sort(overhead), pipeline: sort(pipeline), failures, breakdown };
}

async function latencyPhase(key: string, engine: string): Promise<void> {
  const queue = new Queue(generationQueueName(engine), { connection: { url: REDIS_URL } });
  await closedLoop(key, engine, WORKERS, 2 * WORKERS, queue); // warm-up: JIT, pools, sessions
  const latency = await closedLoop(key, engine, WORKERS, jobs, queue);
  await queue.close();
  console.log(`\n== 1. latency, ${WORKERS} clients (one per worker), ${jobs} jobs ==`);
  console.log(
    `request → completion  p50 ${fmt(percentile(latency.e2e, 50))}  p99 ${fmt(percentile(latency.e2e, 99))}`,
  );
  console.log(
    `worker pipeline       p50 ${fmt(percentile(latency.pipeline, 50))}  p99 ${fmt(percentile(latency.pipeline, 99))}`,
  );
  const overheadP50 = percentile(latency.overhead, 50);
  console.log(
    `service overhead      p50 ${fmt(overheadP50)}  p99 ${fmt(percentile(latency.overhead, 99))}  (target p50 ≤ 25 ms: ${overheadP50 <= 25 ? 'met' : 'NOT met'})`,
  );
  console.log(`overhead p50 parts    ${latency.breakdown}`);
  console.log(
    `throughput            ${(latency.e2e.length / latency.wallS).toFixed(1)} images/s, failed ${latency.failures.length}`,
  );
}

async function throughputPhase(key: string, engine: string): Promise<void> {
  const clients = 4 * WORKERS;
  const queue = new Queue(generationQueueName(engine), { connection: { url: REDIS_URL } });
  const load = await closedLoop(key, engine, clients, jobs, queue);
  await queue.close();
  console.log(`\n== 2. throughput, ${clients} clients, ${jobs} jobs ==`);
  console.log(
    `throughput            ${(load.e2e.length / load.wallS).toFixed(1)} images/s, failed ${load.failures.length}`,
  );
  for (const failure of new Set(load.failures)) console.log(`  failure: ${failure}`);
  console.log(
    `request → completion  p50 ${fmt(percentile(load.e2e, 50))}  p99 ${fmt(percentile(load.e2e, 99))} (queueing included)`,
  );
  console.log(
    `service overhead      p50 ${fmt(percentile(load.overhead, 50))}  p99 ${fmt(percentile(load.overhead, 99))}`,
  );
}

async function main(): Promise<void> {
  const env = await createTestEnv();
  const workers: WorkerProcess[] = [];
  const { child: api, logFile } = startApi(env.storageRoot);
  const submitEngine = `${env.engineId}-submit`;
  const db = new pg.Client({ connectionString: databaseUrl });
  try {
    for (let i = 0; i < WORKERS; i++) {
      workers.push(spawnWorker(env.workerEnv({ WORKER_ID: `bench-e2e-${i}`, INTRA_OP_THREADS: '1' })));
    }
    // The harness sees "worker ready" in the worker's info log; give up rather than hang if it never comes.
    const workersReady = Promise.all(workers.map((w) => w.ready));
    const deadline = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('workers not ready in 120 s')), 120_000).unref(),
    );
    await Promise.race([Promise.all([waitReady(base, api, logFile, 120_000), workersReady]), deadline]);
    console.log('API and workers ready');
    await db.connect();
    // This database is the benchmark's own: earlier runs leave thousands of paid, never-run generations (the
    // submit phase's) that the API's reconciler would refund during the measurements below.
    await db.query(
      'TRUNCATE users, credit_balances, ledger_entries, api_keys, generations, artifacts CASCADE',
    );
    const signup = await postJson<{ user: { id: string }; accessToken: string }>(base, '/api/auth/signup', {
      email: `bench-e2e-${randomUUID()}@easel.test`,
      password: 'bench password',
    });
    const userId = signup.user.id;
    // Enough credits for every phase, granted as a ledger adjustment so balance == sum(entries) still holds.
    const grant = 1_000_000;
    await db.query(
      `WITH b AS (UPDATE credit_balances SET credits = credits + $2 WHERE user_id = $1 RETURNING credits)
       INSERT INTO ledger_entries (id, user_id, amount, kind, reference, balance_after)
       SELECT $3, $1, $2, 'adjustment', $4, credits FROM b`,
      [userId, grant, randomUUID(), `bench:${randomUUID()}`],
    );
    const { key } = await postJson<{ key: string }>(base, '/api/keys', { name: 'bench' }, signup.accessToken);
    console.log(
      `engine ${env.engineId} (generated test model, 64x64, 4 steps), ${WORKERS} worker processes, CPU`,
    );
    // Shared machines skew every figure below: the load says how much.
    console.log(load1());

    if (phases.has(1)) await latencyPhase(key, env.engineId);
    if (phases.has(2)) await throughputPhase(key, env.engineId);
    if (!phases.has(3)) return;

    // 3. A registry entry for an engine no worker consumes: the submit path runs in full, the jobs just wait.
    const descriptor = JSON.parse(
      (await env.redis.hget(ENGINE_REGISTRY_KEY, env.engineId)) ?? '{}',
    ) as Record<string, unknown>;
    await env.redis.hset(
      ENGINE_REGISTRY_KEY,
      submitEngine,
      JSON.stringify({ ...descriptor, id: submitEngine, expiresAt: Date.now() + 10 * 60_000 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the API's registry cache
    const body = JSON.stringify({ engine: submitEngine, prompt: 'a red square' });
    const target = [
      '-m',
      'POST',
      '-H',
      'content-type=application/json',
      '-H',
      `authorization=Bearer ${key}`,
      '-b',
      body,
    ];
    await autocannon(['-c', String(connections), '-d', '2', ...target, `${base}/api/generations`]);
    const cpuBefore = processTreeCpuSeconds(api.pid ?? 0);
    const machineBefore = cpuByCommand();
    const submit = await autocannon([
      '-c',
      String(connections),
      '-d',
      String(seconds),
      ...target,
      `${base}/api/generations`,
    ]);
    const apiCpuMs =
      ((processTreeCpuSeconds(api.pid ?? 0) - cpuBefore) * 1000) / Math.max(1, submit.requests.total);
    const machineCpu = cpuPerRequest(machineBefore, cpuByCommand(), submit.requests.total);
    console.log(`\n${load1()}`);
    const accepted = submit.statusCodeStats?.['202']?.count ?? 0;
    console.log(
      `\n== 3. submit path (POST /api/generations → 202), autocannon -c ${connections} -d ${seconds} ==`,
    );
    console.log(
      `${submit.requests.average.toFixed(0)} req/s (target ≥ 1000: ${submit.requests.average >= 1000 ? 'met' : 'NOT met'}), p50 ${submit.latency.p50} ms, p99 ${submit.latency.p99} ms, 202: ${accepted} of ${submit.requests.total}, non-2xx ${submit.non2xx}, errors ${submit.errors}; API process CPU ${apiCpuMs.toFixed(1)} ms per request`,
    );
    console.log(`CPU ms per request by process (whole machine): ${machineCpu}`);
  } finally {
    await env.redis.hdel(ENGINE_REGISTRY_KEY, submitEngine).catch(() => undefined);
    const submitQueue = new Queue(generationQueueName(submitEngine), { connection: { url: REDIS_URL } });
    await submitQueue.obliterate({ force: true }).catch(() => undefined);
    await submitQueue.close();
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    await db.end().catch(() => undefined);
    await env.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
