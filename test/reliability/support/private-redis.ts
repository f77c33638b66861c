/**
 * A private redis-server for tests that stop and restart Redis (the shared one on 6379 must never be touched): its
 * own port and folder, killed with SIGKILL (a crash, no save) and started again on the same port and folder.
 *
 * `persistent` runs it as production should (docs/operations.md): append-only file, fsync every second, no RDB
 * snapshots; without it the restart comes back empty, as a Redis without persistence or a failover to an empty
 * replica would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { executableExists, type SystemDep } from '../../support/system-deps.js';

export const REDIS_SERVER: SystemDep = {
  what: 'redis-server',
  present: () => executableExists('/usr/bin/redis-server'),
  install: 'apt-get install redis-server',
};

export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL: no shutdown save, connections reset. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder: the AOF is replayed when persistent; `empty` deletes it first. */
  start(opts?: { empty?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** A port nobody listens on now (the kernel's choice, released at once). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPrivateRedis(
  opts: { persistent?: boolean; bind?: string[] } = {},
): Promise<PrivateRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'easel-redis-'));
  const port = await freePort();
  const bind = opts.bind ?? ['127.0.0.1'];
  let child: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    ...bind,
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    opts.persistent ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    // BullMQ's requirement: evicting a queue key would lose jobs silently.
    '--maxmemory-policy',
    'noeviction',
    '--protected-mode',
    'no',
  ];
  const start = async ({ empty = false } = {}): Promise<void> => {
    if (empty) {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
    }
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
    });
    // Its output is not needed after start; keep the pipes drained.
    proc.stdout.resume();
    proc.stderr.resume();
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  // A test process that exits without its afterAll leaves no server behind.
  const killAtExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', killAtExit);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    close: async () => {
      process.off('exit', killAtExit);
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Keys in the private Redis (for assertions), on a short-lived connection. */
export async function redisKeys(url: string, pattern: string): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return await redis.keys(pattern);
  } finally {
    redis.disconnect();
  }
}
