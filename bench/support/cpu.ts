// CPU time of processes, from Linux /proc, for the benchmarks' per-request CPU figures.
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // sysconf(_SC_CLK_TCK) on Linux

/** A process's command name and user + system CPU seconds. */
function procStat(pid: number | string): { comm: string; cpuSeconds: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND,
  };
}

/** CPU seconds of a process and its children (cluster workers). */
export function processTreeCpuSeconds(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean);
  return (
    procStat(pid).cpuSeconds + children.reduce((sum, child) => sum + processTreeCpuSeconds(Number(child)), 0)
  );
}

/** CPU seconds (user + system) of every process on the machine, summed by command name (Linux /proc). */
export function cpuByCommand(): Map<string, number> {
  const totals = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const { comm, cpuSeconds } = procStat(pid);
      totals.set(comm, (totals.get(comm) ?? 0) + cpuSeconds);
    } catch {
      // exited between readdir and read
    }
  }
  return totals;
}

/** "postgres 0.9, redis-server 0.2, …" ms of CPU per request between two cpuByCommand() snapshots. */
export function cpuPerRequest(
  before: Map<string, number>,
  after: Map<string, number>,
  requests: number,
): string {
  return [...after]
    .map(
      ([comm, seconds]) =>
        [comm, ((seconds - (before.get(comm) ?? 0)) * 1000) / Math.max(1, requests)] as const,
    )
    .filter(([, ms]) => ms >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([comm, ms]) => `${comm} ${ms.toFixed(2)}`)
    .join(', ');
}
