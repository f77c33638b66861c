// Start-up as a new user meets it: a dependency that is down gets one sentence naming its URL, its variable and
// how to start it; logs are readable in development and JSON in production. Real processes from the sources.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/database.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs an entry point from the sources until it exits, or until `until` matches its output (then stops it). */
function run(
  entry: string,
  env: Record<string, string>,
  until?: RegExp,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@easel/source', '--import', './tools/db/register.mjs', entry],
    { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    if (until?.test(output)) child.kill('SIGTERM');
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

const apiEnv = (extra: Record<string, string>) => ({
  NODE_ENV: 'production',
  JWT_SECRET: 'x'.repeat(48),
  PORT: '0',
  METRICS_PORT: '0',
  DATA_DIR: mkdtempSync(path.join(tmpdir(), 'easel-startup-')),
  DATABASE_URL: testDatabaseUrl(),
  REDIS_URL,
  ...extra,
});

describe('API start with a dependency down', () => {
  it('names PostgreSQL, its URL and variable, and how to start it, in one sentence, and exits 1', async () => {
    const port = await closedPort();
    const url = `postgresql://postgres:hunter2@127.0.0.1:${port}/easel`;
    const { code, output } = await run('apps/api/src/main.ts', apiEnv({ DATABASE_URL: url }));
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines[0]).toBe(
      `PostgreSQL at postgresql://postgres:***@127.0.0.1:${port}/easel (DATABASE_URL) is unreachable (connection refused): ` +
        `start it with \`pg_ctlcluster ${lines[0].match(/pg_ctlcluster (\S+)/)![1]} main start\` ` +
        '(or `docker compose -f docker/compose.yaml up -d postgres`), or set DATABASE_URL.',
    );
    expect(lines).toEqual([lines[0], 'Easel API not started.']);
    expect(output).not.toContain('hunter2');
  });

  it('names Redis the same way (no retry storm of log lines)', async () => {
    const port = await closedPort();
    const { code, output } = await run(
      'apps/api/src/main.ts',
      apiEnv({ REDIS_URL: `redis://127.0.0.1:${port}` }),
    );
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual([
      `Redis at redis://127.0.0.1:${port} (REDIS_URL) is unreachable (connection refused): start it with ` +
        `\`redis-server --daemonize yes --bind 127.0.0.1 --port ${port}\` ` +
        '(or `docker compose -f docker/compose.yaml up -d redis`), or set REDIS_URL.',
      'Easel API not started.',
    ]);
  });
});

describe('worker start with a dependency down', () => {
  it('names Redis and the object store, each in one sentence, and exits 1', async () => {
    const [redisPort, s3Port] = [await closedPort(), await closedPort()];
    const { code, output } = await run('apps/gpu-worker/src/main.ts', {
      NODE_ENV: 'production',
      WORKER_ENGINES: 'tiny=models/easel-tiny',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      STORAGE_DRIVER: 's3',
      STORAGE_S3_BUCKET: 'easel-test',
      STORAGE_S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      STORAGE_S3_FORCE_PATH_STYLE: 'true',
      STORAGE_S3_ACCESS_KEY_ID: 'test',
      STORAGE_S3_SECRET_ACCESS_KEY: 'test-secret',
      HEALTH_PORT: '0',
    });
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      `Redis at redis://127.0.0.1:${redisPort} (REDIS_URL) is unreachable (connection refused): start it with ` +
        `\`redis-server --daemonize yes --bind 127.0.0.1 --port ${redisPort}\`, or set REDIS_URL.`,
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^Object storage bucket easel-test \\(STORAGE_S3_BUCKET\\) at http://127.0.0.1:${s3Port} \\(STORAGE_S3_ENDPOINT\\) is unreachable \\(.+\\): start the S3 service`,
      ),
    );
    expect(lines[2]).toBe('GPU worker not started.');
  });
});

describe('API logs', () => {
  it('are one readable line per event in development', async () => {
    const { output } = await run(
      'apps/api/src/main.ts',
      apiEnv({ NODE_ENV: 'development', DEMO_ACCOUNT: 'false', LOG_LEVEL: 'info' }),
      // Both lines, in either order: pretty logs come through a worker thread, after the plain console line.
      /^(?=[\s\S]*Easel API listening on)(?=[\s\S]*Nest application successfully started)/,
    );
    expect(output).toContain('Easel API listening on');
    expect(output).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[NestApplication\] Nest application successfully started$/m,
    );
    expect(output).not.toContain('{"level"');
    // Nest's one line per module and route stays at debug.
    expect(output).not.toContain('InstanceLoader');
  });

  it('are JSON lines in production', async () => {
    const { output } = await run(
      'apps/api/src/main.ts',
      apiEnv({ DEMO_ACCOUNT: 'false', LOG_LEVEL: 'info' }),
      /Easel API listening on/,
    );
    const json = output.split('\n').filter((line) => line.startsWith('{'));
    expect(json.length).toBeGreaterThan(0);
    for (const line of json) expect(JSON.parse(line)).toHaveProperty('level');
  });
});

describe('API in a node:cluster (API_WORKERS=2)', () => {
  it('serves every worker’s metrics, summed, from the primary', async () => {
    const [port, metricsPort] = [await closedPort(), await closedPort()];
    const child = spawn(
      process.execPath,
      ['--conditions=@easel/source', '--import', './tools/db/register.mjs', 'apps/api/src/main.ts'],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          ...apiEnv({ API_WORKERS: '2', PORT: String(port), METRICS_PORT: String(metricsPort) }),
          METRICS_HOST: '127.0.0.1',
          HOST: '127.0.0.1',
          DEMO_ACCOUNT: 'false',
        },
        stdio: 'ignore',
      },
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 240; i++) {
        if (
          await fetch(`${base}/health/live`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      // Both workers must be up: each answers on the shared port once it listens.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      for (let i = 0; i < 20; i++) expect((await fetch(`${base}/health/live`)).status).toBe(200);
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const count =
        /easel_http_request_duration_seconds_count\{method="GET",route="\/health\/live",status="200"\} (\d+)/.exec(
          text,
        );
      expect(Number(count?.[1])).toBeGreaterThanOrEqual(20);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 60_000);
});
