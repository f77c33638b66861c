/**
 * A private PostgreSQL cluster for tests that restart the database (the shared one on 5432 must never be touched):
 * initdb into a temp folder as the `postgres` OS user (initdb refuses root), its own port and socket folder,
 * migrated with the project's migrator. `restart()` stops it with `-m immediate` (a crash: no checkpoint, every
 * connection cut; startup replays the WAL) and starts it again on the same port.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { migrateDatabase } from '../../../apps/api/src/database/migrate.js';
import type { SystemDep } from '../../support/system-deps.js';
import { freePort } from './private-redis.js';

const run = promisify(execFile);

/** The newest installed server's bin folder (Debian: /usr/lib/postgresql/<major>/bin). */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => existsSync(path.join(root, d, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? path.join(root, majors[0], 'bin') : undefined;
}

export const POSTGRES_SERVER: SystemDep = {
  what: 'a PostgreSQL server (initdb, pg_ctl) and the postgres OS user, run as root',
  present: () => postgresBin() !== undefined && existsSync('/usr/sbin/runuser') && userInfo().uid === 0,
  install: 'apt-get install postgresql (and run the suite as root, as CI does)',
};

export interface PrivatePostgres {
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('no PostgreSQL server installed');
  const root = await mkdtemp(path.join(tmpdir(), 'easel-pg-'));
  chmodSync(root, 0o755);
  const { uid, gid } = await idsOf('postgres');
  chownSync(root, uid, gid);
  const data = path.join(root, 'data');
  const port = await freePort();
  const asPostgres = (tool: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { cwd: root });
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  const options = [
    `-p ${port}`,
    `-k ${root}`,
    '-c listen_addresses=127.0.0.1',
    // Test speed only: a process crash (what restart() does) loses nothing without fsync; an OS crash would.
    '-c fsync=off',
    '-c max_connections=60',
  ].join(' ');
  const start = async (): Promise<void> => {
    await asPostgres('pg_ctl', ['-D', data, '-o', options, '-l', path.join(root, 'log'), '-w', 'start']);
  };
  const stop = async (): Promise<void> => {
    await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  };
  await start();
  // A test process that exits without its afterAll leaves no server behind.
  const stopAtExit = (): void => {
    spawnSync(
      'runuser',
      ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'],
      {
        stdio: 'ignore',
      },
    );
  };
  process.once('exit', stopAtExit);
  const url = `postgresql://postgres@127.0.0.1:${port}/easel`;
  await migrateDatabase(url);
  return {
    url,
    stop,
    start,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      process.off('exit', stopAtExit);
      await stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function idsOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
