// What bench:soak computes from its samples: percentiles, least-squares slopes, and the printed tables.

export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/** Least-squares slope of y over x (units of y per unit of x); NaN with fewer than two points. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

export interface MemorySample {
  /** Seconds since the load started. */
  t: number;
  apiRss: number;
  apiHeap: number;
  workerRss: number;
  workerHeap: number;
  queueWaiting: number;
  inFlight: number;
}

const MB = 1024 * 1024;
const mb = (bytes: number) => (bytes / MB).toFixed(1).padStart(7);

export function printMemorySeries(samples: MemorySample[]): void {
  console.log('\n== memory over time (MiB) ==');
  console.log('      t   API RSS  API heap  wkr RSS  wkr heap  queued  in flight');
  for (const s of samples) {
    console.log(
      `${s.t.toFixed(0).padStart(6)} s ${mb(s.apiRss)}  ${mb(s.apiHeap)}  ${mb(s.workerRss)}  ${mb(s.workerHeap)}  ${String(s.queueWaiting).padStart(6)}  ${String(s.inFlight).padStart(9)}`,
    );
  }
}

/**
 * Slopes in MiB per minute, over all samples and over the second half (after warm-up: JIT, pools, caches), so a
 * one-off start-up growth is not read as a leak.
 */
export function printSlopes(samples: MemorySample[]): void {
  const late = samples.slice(Math.floor(samples.length / 2));
  const series: Array<[string, (s: MemorySample) => number]> = [
    ['API RSS', (s) => s.apiRss],
    ['API heap used', (s) => s.apiHeap],
    ['worker RSS', (s) => s.workerRss],
    ['worker heap used', (s) => s.workerHeap],
  ];
  console.log('\n== memory slope (MiB/min; flat is the goal) ==');
  for (const [name, pick] of series) {
    const per = (list: MemorySample[]) => (slope(list.map((s) => [s.t / 60, pick(s) / MB])) || 0).toFixed(2);
    const values = samples.map(pick);
    console.log(
      `${name.padEnd(17)} all ${per(samples).padStart(7)}   second half ${per(late).padStart(7)}   first ${(values[0] / MB).toFixed(1)}  last ${(values.at(-1)! / MB).toFixed(1)}  max ${(Math.max(...values) / MB).toFixed(1)}`,
    );
  }
}

export interface Outcome {
  type: string;
  ms: number;
  status: number;
}

export function printLatencies(outcomes: Outcome[], seconds: number): void {
  console.log('\n== latency by request type (ms) ==');
  console.log('type              count   req/s     p50     p95     p99     max   errors');
  const types = [...new Set(outcomes.map((o) => o.type))].sort();
  for (const type of types) {
    const mine = outcomes.filter((o) => o.type === type);
    const ms = mine.map((o) => o.ms).sort((a, b) => a - b);
    const errors = mine.filter((o) => o.status === 0 || o.status >= 400).length;
    const cell = (v: number) => v.toFixed(1).padStart(7);
    console.log(
      `${type.padEnd(16)} ${String(mine.length).padStart(6)} ${cell(mine.length / seconds)} ${cell(percentile(ms, 50))} ${cell(percentile(ms, 95))} ${cell(percentile(ms, 99))} ${cell(ms.at(-1) ?? NaN)} ${String(errors).padStart(8)}`,
    );
  }
  const byStatus = new Map<string, number>();
  for (const o of outcomes) {
    const key = `${o.type} ${o.status === 0 ? 'network error' : o.status}`;
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
  }
  const errors = [...byStatus].filter(([key]) => !/ 2\d\d$/.test(key));
  console.log(
    `errors: ${errors.length === 0 ? 'none' : errors.map(([key, n]) => `${key} × ${n}`).join(', ')}`,
  );
}
