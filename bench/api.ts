// `npm run bench:api`: the built API in its own processes (database easel_bench_api), autocannon on loopback against
// an authenticated GET /v1/user/balance, A/B against a bare node:http server in the same rounds; then the ledger
// bench (bench/ledger.ts). Variants, each its own API process started once and measured in every round:
//   default        npm start's defaults (metrics on, LOG_LEVEL=info access logs), NODE_ENV=production
//   metrics off    METRICS_ENABLED=false
//   obs. off       METRICS_ENABLED=false and LOG_LEVEL=warn (no access log): what metrics + logging cost
//   cluster        the defaults with API_WORKERS=<cores> (BENCH_CLUSTER=0 skips it)
// Each round runs the bare server and every variant back to back, so each ratio compares runs seconds apart on
// this shared machine; ranges over rounds are printed. BENCH_BASELINE_ENTRY=<another build's apps/api/dist/main.js>
// adds that build as a variant with the defaults (before/after in the same rounds). Knobs: BENCH_ROUNDS (3), BENCH_SECONDS (8),
// BENCH_CONNECTIONS (64), BENCH_PORT (3987, and the next 5), BENCH_API_NODE_ARGS, BENCH_SKIP_LEDGER=1.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, openSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { processTreeCpuSeconds } from './support/cpu.js';
import { autocannon, postJson, waitReady, type AutocannonResult } from './support/http.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const firstPort = Number(process.env.BENCH_PORT ?? 3987);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const databaseUrl =
  process.env.BENCH_API_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/easel_bench_api';

interface Variant {
  name: string;
  entry?: string;
  env: Record<string, string>;
  port: number;
  child?: ChildProcess;
  target?: string[];
  userId?: string;
  results: Array<{ rps: number; ratio: number; cpuUs: number; p99: number; non2xx: number }>;
}

const variants: Variant[] = [
  { name: 'default', env: {}, port: firstPort + 2, results: [] },
  { name: 'metrics off', env: { METRICS_ENABLED: 'false' }, port: firstPort + 3, results: [] },
  {
    name: 'obs. off',
    env: { METRICS_ENABLED: 'false', LOG_LEVEL: 'warn' },
    port: firstPort + 4,
    results: [],
  },
];
if (process.env.BENCH_BASELINE_ENTRY)
  variants.push({
    name: 'baseline build',
    entry: process.env.BENCH_BASELINE_ENTRY,
    env: {},
    port: firstPort + 6,
    results: [],
  });
if (process.env.BENCH_CLUSTER !== '0' && cpus().length > 1)
  variants.push({
    name: `cluster ×${cpus().length}`,
    env: { API_WORKERS: String(cpus().length) },
    port: firstPort + 5,
    results: [],
  });

// The same-run calibration: a bare node:http server answering the same JSON, so a loaded machine shows as such.
const BARE_NODE = `
import { createServer } from 'node:http';
const body = JSON.stringify({ credits: 200 });
createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}).listen(Number(process.argv[1]), '127.0.0.1', () => console.log('ready'));
`;

function startBare(port: number): Promise<ChildProcess> {
  const bare = spawn(process.execPath, ['--input-type=module', '-e', BARE_NODE, String(port)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    bare.stdout.once('data', () => resolve(bare));
    bare.once('exit', (code) => reject(new Error(`bare node:http server exited with ${code}`)));
  });
}

async function startVariant(variant: Variant): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'easel-bench-api-'));
  const logFile = path.join(dataDir, 'api.log');
  const log = openSync(logFile, 'a');
  // BENCH_API_NODE_ARGS: extra node flags for the API processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const base = `http://127.0.0.1:${variant.port}`;
  variant.child = spawn(
    process.execPath,
    [...nodeArgs, variant.entry ?? path.join(root, 'apps/api/dist/main.js')],
    {
      cwd: root,
      stdio: ['ignore', log, log],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(variant.port),
        METRICS_PORT: '0',
        DATABASE_URL: databaseUrl,
        DATA_DIR: dataDir,
        JWT_SECRET: randomUUID() + randomUUID(),
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_KEY_PREFIX: `easel-bench:${randomUUID()}:`,
        LOG_LEVEL: 'info',
        RATE_LIMIT_API_KEY_MAX: '1000000000',
        DEMO_ACCOUNT: 'false',
        ...variant.env,
      },
    },
  );
  await waitReady(base, variant.child, logFile, 90_000);
  const signup = await postJson<{ user: { id: string }; accessToken: string }>(base, '/api/auth/signup', {
    email: `bench-${randomUUID()}@easel.test`,
    password: 'bench password',
  });
  variant.userId = signup.user.id;
  const { key } = await postJson<{ key: string }>(base, '/api/keys', { name: 'bench' }, signup.accessToken);
  variant.target = ['-H', `authorization=Bearer ${key}`, `${base}/v1/user/balance`];
}

async function measure(target: string[], pid?: number): Promise<{ result: AutocannonResult; cpuUs: number }> {
  await autocannon(['-c', String(connections), '-d', '2', ...target]); // warm-up: JIT, pools, key caches
  const before = pid ? processTreeCpuSeconds(pid) : 0;
  const result = await autocannon(['-c', String(connections), '-d', String(seconds), ...target]);
  const cpuUs = pid ? ((processTreeCpuSeconds(pid) - before) / result.requests.total) * 1e6 : 0;
  return { result, cpuUs };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** "min–max (median m)": on a shared machine single rounds swing widely; the median of back-to-back pairs less. */
const range = (values: number[], digits = 0): string => {
  const min = Math.min(...values).toFixed(digits);
  const max = Math.max(...values).toFixed(digits);
  return min === max ? min : `${min}–${max} (median ${median(values).toFixed(digits)})`;
};

async function main(): Promise<void> {
  const bare = await startBare(firstPort + 1);
  const bareRps: number[] = [];
  try {
    for (const variant of variants) await startVariant(variant);
    for (let round = 1; round <= rounds; round++) {
      const { result: baseline } = await measure([`http://127.0.0.1:${firstPort + 1}/`]);
      bareRps.push(baseline.requests.average);
      const line = [`round ${round}: bare node:http ${baseline.requests.average.toFixed(0)} req/s`];
      // Rotated each round, so no variant always runs first after the baseline.
      const order = variants.map((_, i) => variants[(i + round - 1) % variants.length]);
      const measured = new Map<Variant, number>();
      for (const variant of order) {
        const { result, cpuUs } = await measure(variant.target!, variant.child!.pid);
        const rps = result.requests.average;
        variant.results.push({
          rps,
          ratio: rps / baseline.requests.average,
          cpuUs,
          p99: result.latency.p99,
          non2xx: result.non2xx + result.errors + result.timeouts,
        });
        measured.set(variant, rps);
      }
      for (const variant of variants) line.push(`${variant.name} ${measured.get(variant)!.toFixed(0)}`);
      console.log(line.join(', '));
    }
  } finally {
    bare.kill('SIGTERM');
    for (const variant of variants) variant.child?.kill('SIGTERM');
    await Promise.all(
      variants.map((v) =>
        v.child && v.child.exitCode === null
          ? new Promise((resolve) => v.child!.once('exit', resolve))
          : Promise.resolve(),
      ),
    );
    await removeBenchUsers(variants.flatMap((v) => (v.userId ? [v.userId] : [])));
  }
  report(bareRps);
  await runLedgerBench();
}

function report(bareRps: number[]): void {
  console.log(
    `\n== API: authenticated GET /v1/user/balance, ${connections} connections, ${rounds} rounds of ${seconds} s, loopback ==`,
  );
  console.log(`bare node:http       ${range(bareRps)} req/s (same rounds)`);
  for (const v of variants) {
    const r = v.results;
    console.log(
      `${v.name.padEnd(20)} ${range(r.map((x) => x.rps)).padStart(11)} req/s   ` +
        `${range(
          r.map((x) => x.ratio),
          3,
        )}× bare   CPU ${range(r.map((x) => x.cpuUs))} µs/req   p99 ${range(r.map((x) => x.p99))} ms` +
        (r.some((x) => x.non2xx > 0) ? `   NON-2XX/ERRORS ${r.map((x) => x.non2xx).join(',')}` : ''),
    );
  }
  // Same round, back to back: the cost of the observability stack per round, as a range.
  const [full, metricsOff, obsOff] = variants;
  const cost = (a: Variant, b: Variant) =>
    range(
      a.results.map((x, i) => 100 * (1 - x.rps / b.results[i].rps)),
      1,
    );
  console.log(
    `metrics cost         ${cost(full, metricsOff)} % of throughput (default vs metrics off, per round)`,
  );
  console.log(`metrics+logs cost    ${cost(full, obsOff)} % of throughput (default vs obs. off, per round)`);
  const rps = median(full.results.map((x) => x.rps));
  const ratio = median(full.results.map((x) => x.ratio));
  console.log(
    `target               >= 5000 req/s and >= 0.2× bare (medians ${rps.toFixed(0)}, ${ratio.toFixed(3)}×): ` +
      `${rps >= 5000 ? 'rate met' : 'rate NOT met'}, ${ratio >= 0.2 ? 'ratio met' : 'ratio NOT met'}`,
  );
  console.log(
    `machine              ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
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

async function removeBenchUsers(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('DELETE FROM ledger_entries WHERE user_id = ANY($1::uuid[])', [ids]);
    await client.query('DELETE FROM users WHERE id = ANY($1::uuid[])', [ids]);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
