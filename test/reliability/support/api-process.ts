/**
 * The API as a real process (from the sources, through the same SWC loader the db scripts use), for faults that
 * kill it: SIGKILL leaves no chance to finish a request or close a connection.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ApiProcess {
  child: ChildProcess;
  /** Resolves with the API's base URL once it listens. */
  ready: Promise<string>;
  exited: Promise<number | null>;
  output(): string;
  kill(): Promise<void>;
}

export function spawnApi(env: Record<string, string>): ApiProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@easel/source', '--import', './tools/db/register.mjs', 'apps/api/src/main.ts'],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        METRICS_ENABLED: 'false',
        DB_AUTO_MIGRATE: 'false',
        LOG_FORMAT: 'json',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const listening = /Easel API listening on (http:\/\/[^\s]+)/.exec(text);
      if (listening) resolve(listening[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`API exited (${code}) before listening:\n${text}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    ready,
    exited,
    output: () => text,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
