// `npm run bench:api`: the built API in its own process (its own database, easel_bench_api), then autocannon on
// loopback against an authenticated GET /v1/user/balance; then the ledger bench (bench/ledger.ts) when present.
// Knobs: BENCH_API_NODE_ARGS, BENCH_SKIP_LEDGER=1, BENCH_PORT, BENCH_CONNECTIONS (64), BENCH_SECONDS (10), BENCH_LOG_LEVEL (info), BENCH_API_WORKERS (1,<cores>).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { processTreeCpuSeconds } from './support/cpu.js';
import { autocannon, postJson, waitReady, type AutocannonResult } from './support/http.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.BENCH_PORT ?? 3987);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
// One process, then one worker per core (node:cluster, API_WORKERS).
const workerCounts = (process.env.BENCH_API_WORKERS ?? `1,${cpus().length}`).split(',').map(Number);
const databaseUrl =
  process.env.BENCH_API_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/easel_bench_api';
const base = `http://127.0.0.1:${port}`;

function startApi(workers: number): { child: ChildProcess; logFile: string } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easel-bench-api-'));
  const logFile = path.join(dataDir, 'api.log');
  const log = openSync(logFile, 'a');
  // BENCH_API_NODE_ARGS: extra node flags for the API process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'apps/api/dist/main.js')], {
    cwd: root,
    stdio: ['ignore', log, log],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      API_WORKERS: String(workers),
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      JWT_SECRET: randomUUID() + randomUUID(),
      REDIS_KEY_PREFIX: `easel-bench:${randomUUID()}:`,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      RATE_LIMIT_API_KEY_MAX: '1000000000',
      DEMO_ACCOUNT: 'false',
    },
  });
  return { child, logFile };
}

function runLedgerBench(): Promise<void> {
  const file = path.join(root, 'bench/ledger.ts');
  if (!existsSync(file) || process.env.BENCH_SKIP_LEDGER === '1') return Promise.resolve();
  console.log('\n== ledger bench (bench/ledger.ts) ==');
  const args = ['--conditions=@easel/source', '--import', './tools/db/register.mjs', file];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ledger bench exited with ${code}`)),
    );
  });
}

// The same-run calibration: a bare Fastify server answering a constant, so a loaded machine shows as such.
const BARE_FASTIFY = `
import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.get('/', async () => ({ credits: 200 }));
await app.listen({ port: Number(process.argv[1]), host: '127.0.0.1' });
console.log('ready');
`;

async function bareFastifyBaseline(): Promise<AutocannonResult> {
  const bare = spawn(process.execPath, ['--input-type=module', '-e', BARE_FASTIFY, String(port + 1)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      bare.stdout.once('data', () => resolve());
      bare.once('exit', (code) => reject(new Error(`bare Fastify exited with ${code}`)));
    });
    const target = [`http://127.0.0.1:${port + 1}/`];
    await autocannon(['-c', String(connections), '-d', '2', ...target]);
    return await autocannon(['-c', String(connections), '-d', String(seconds), ...target]);
  } finally {
    bare.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const baseline = await bareFastifyBaseline();
  for (const workers of workerCounts) await benchApi(workers, baseline);
  console.log(
    `machine      ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  await runLedgerBench();
}

async function benchApi(workers: number, baseline: AutocannonResult): Promise<void> {
  const { child, logFile } = startApi(workers);
  let userId: string | undefined;
  try {
    await waitReady(base, child, logFile, 60_000);
    const signup = await postJson<{ user: { id: string }; accessToken: string }>(base, '/api/auth/signup', {
      email: `bench-${randomUUID()}@easel.test`,
      password: 'bench password',
    });
    userId = signup.user.id;
    const { key } = await postJson<{ key: string }>(base, '/api/keys', { name: 'bench' }, signup.accessToken);
    const target = ['-H', `authorization=Bearer ${key}`, `${base}/v1/user/balance`];

    await autocannon(['-c', String(connections), '-d', '2', ...target]); // warm-up: JIT, pools, key caches
    const cpuBefore = processTreeCpuSeconds(child.pid!);
    const result = await autocannon(['-c', String(connections), '-d', String(seconds), ...target]);
    const cpuSeconds = processTreeCpuSeconds(child.pid!) - cpuBefore;
    const { requests, latency } = result;
    console.log(
      `== API (${workers} worker${workers > 1 ? 's' : ''}): authenticated GET /v1/user/balance, ` +
        `${connections} connections, ${seconds} s, loopback ==`,
    );
    console.log(`requests/s   ${requests.average.toFixed(0)}  (total ${requests.total})`);
    console.log(
      `latency ms   avg ${latency.average.toFixed(2)}  p50 ${latency.p50}  p97.5 ${latency.p97_5}  p99 ${latency.p99}  max ${latency.max}`,
    );
    console.log(`non-2xx      ${result.non2xx}   errors ${result.errors}   timeouts ${result.timeouts}`);
    // Both req/s and CPU per request depend on what else runs on the machine: the bare-Fastify line calibrates.
    const cpuPerRequestUs = (cpuSeconds / requests.total) * 1e6;
    console.log(
      `API CPU      ${cpuPerRequestUs.toFixed(0)} µs per request (${cpuSeconds.toFixed(1)} s over the run)`,
    );
    const ratio = requests.average / baseline.requests.average;
    console.log(
      `baseline     bare Fastify (1 process), same settings: ${baseline.requests.average.toFixed(0)} req/s ` +
        `(Easel = ${(100 * ratio).toFixed(0)}% of it)`,
    );
    console.log(`target       >= 5000 req/s: ${requests.average >= 5000 ? 'met' : 'NOT met'}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    if (userId) await removeBenchUser(userId);
  }
}

async function removeBenchUser(id: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('DELETE FROM ledger_entries WHERE user_id = $1', [id]);
    await client.query('DELETE FROM users WHERE id = $1', [id]);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
