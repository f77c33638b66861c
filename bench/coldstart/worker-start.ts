/**
 * Starts the real GPU worker process (from source) on one engine and times it to `worker ready` (engines loaded
 * and warmed up, queues joined), then stops it with SIGTERM. Its peak RSS over the whole start comes from
 * /proc/<pid>/status just before the stop.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { memoryOf } from './probe.js';

export interface WorkerStart {
  readyS: number;
  /** From the worker's `engine loaded` line: load + warm-up of the engine. */
  engineMs: number;
  peakGiB: number;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

export async function timeWorkerStart(
  engine: string,
  modelDir: string,
  env: Record<string, string>,
  timeoutMs = 20 * 60_000,
): Promise<WorkerStart> {
  const storage = await mkdtemp(path.join(tmpdir(), 'easel-coldstart-'));
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ['--conditions=@easel/source', '--import', './tools/db/register.mjs', 'apps/gpu-worker/src/main.ts'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        WORKER_ENGINES: `${engine}=${modelDir}`,
        WORKER_ID: `coldstart-${process.pid}`,
        HEALTH_PORT: '0',
        STORAGE_FS_ROOT: storage,
        LOG_LEVEL: 'info',
        ...env,
      },
    },
  );
  let engineMs = 0;
  try {
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('worker not ready in time')), timeoutMs);
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
      lines.on('line', (line) => {
        let entry: { msg?: string; ms?: number; err?: unknown };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          return;
        }
        if (entry.msg === 'engine loaded') engineMs = entry.ms ?? 0;
        if (entry.msg === 'worker failed to start') reject(new Error(JSON.stringify(entry.err)));
        if (entry.msg === 'worker ready') {
          clearTimeout(timer);
          resolve((performance.now() - t0) / 1000);
        }
      });
    });
    const readyS = await ready;
    const { peakGiB } = memoryOf(child.pid!);
    return { readyS, engineMs, peakGiB };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await rm(storage, { recursive: true, force: true });
  }
}
