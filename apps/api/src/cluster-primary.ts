import cluster, { type Worker } from 'node:cluster';

// A worker that dies this soon after its start is failing to start (bad config, port taken): do not loop.
const MIN_UPTIME_MS = 10_000;

/**
 * Runs `count` HTTP workers on one shared port (node:cluster) for a single host with several cores.
 * Replaces crashed workers; on SIGTERM/SIGINT tells every worker to drain and exits when all have.
 */
export function runClusterPrimary(count: number, log: (message: string) => void): void {
  const startedAt = new Map<Worker, number>();
  const fork = (): void => {
    startedAt.set(cluster.fork(), Date.now());
  };
  let stopping = false;

  cluster.on('exit', (worker, code, signal) => {
    const uptime = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) {
      if (startedAt.size === 0) process.exit(0);
      return;
    }
    log(`worker ${worker.process.pid} exited (${signal ?? code}) after ${Math.round(uptime / 1000)} s`);
    if (uptime < MIN_UPTIME_MS) {
      log('a worker failed right after starting; stopping the API');
      stopping = true;
      for (const other of startedAt.keys()) other.process.kill('SIGTERM');
      process.exitCode = 1;
      if (startedAt.size === 0) process.exit(1);
      return;
    }
    fork();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
    });
  }
  for (let i = 0; i < count; i++) fork();
}
