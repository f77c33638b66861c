/**
 * npm run bench:coldstart — what a worker's cold start (every KEDA scale-up from zero) costs on a full-size
 * Stable Diffusion 1.5-shaped model, and what each session setting buys. The model is our own generator's `sd15`
 * size (real UNet/VAE/CLIP shapes, random weights, 4.3 GB), written once to a cache folder outside the repository.
 *   1. probes: per variant, a fresh process opens every graph (wall and CPU seconds per graph) and runs one
 *      guided 512² UNet call (batch 2), reporting its peak RSS;
 *   2. worker: the real worker process from start to `worker ready`, before and after the changes.
 * Figures come from the same run, each variant in its own process; ratios are against the baseline.
 *   BENCH_MODEL_DIR=~/.cache/easel/sd15-test-model  BENCH_PHASES=probe,worker  BENCH_VARIANTS=baseline,…
 * Needs ~10 GiB of free memory and Redis (REDIS_URL) for the worker phase; run one at a time.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeTestModel } from '@easel/diffusion';
import type { SessionConfig } from '../libs/diffusion/src/runtime/index.js';
import type { ProbeResult } from './coldstart/probe.js';
import { timeWorkerStart, type WorkerStart } from './coldstart/worker-start.js';

const MODEL_DIR = process.env.BENCH_MODEL_DIR ?? path.join(homedir(), '.cache', 'easel', 'sd15-test-model');
const PHASES = (process.env.BENCH_PHASES ?? 'probe,worker').split(',');
const ROOT = path.resolve(import.meta.dirname, '..');

if (!existsSync(path.join(MODEL_DIR, 'unet', 'weights.pb'))) {
  console.log(`writing the sd15 test model to ${MODEL_DIR} (once; ~2 min, 4.3 GB) …`);
  await writeTestModel(MODEL_DIR, { size: 'sd15' });
}
const cacheDir = await mkdtemp(path.join(tmpdir(), 'easel-ort-cache-bench-'));

/** Session settings per variant; `cache-hit` reuses the entries `cache-write` saved. */
const VARIANTS: Record<string, SessionConfig> = {
  baseline: {},
  'cache-write': { optimizedModelCacheDir: cacheDir },
  'cache-hit': { optimizedModelCacheDir: cacheDir },
  extended: { graphOptimizationLevel: 'extended' },
  basic: { graphOptimizationLevel: 'basic' },
  'no-arena': { cpuMemArena: false },
  'no-mem-pattern': { memPattern: false },
};
const chosen = process.env.BENCH_VARIANTS?.split(',') ?? Object.keys(VARIANTS);

const f = (n: number, digits = 1): string => n.toFixed(digits);
const ratio = (a: number, b: number): string => `${f(a / b, 2)}×`;

async function runProbe(config: SessionConfig): Promise<ProbeResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--conditions=@easel/source',
      '--import',
      './tools/db/register.mjs',
      'bench/coldstart/probe.ts',
      MODEL_DIR,
      JSON.stringify(config),
    ],
    { cwd: ROOT, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ProbeResult;
}

try {
  console.log(`model ${MODEL_DIR}; ${new Date().toISOString()}; load average at start ${readLoad()}`);
  if (PHASES.includes('probe')) {
    const results = new Map<string, ProbeResult>();
    console.log(
      '\nvariant         open s (wall/cpu)  unet  text  vae-dec vae-enc | RSS open GiB (peak) | 512² UNet call s (wall/cpu)  peak GiB',
    );
    for (const name of chosen) {
      const r = await runProbe(VARIANTS[name]);
      results.set(name, r);
      const o = r.open;
      console.log(
        `${name.padEnd(15)} ${f(r.openWallS).padStart(6)}/${f(r.openCpuS).padEnd(6)}  ${[
          o.unet,
          o.text_encoder,
          o.vae_decoder,
          o.vae_encoder,
        ]
          .map((g) => f(g.wallS).padStart(5))
          .join(
            ' ',
          )}   | ${f(r.openRssGiB, 2)} (${f(r.openPeakGiB, 2)})        | ${f(r.unetWallS)}/${f(r.unetCpuS)}` +
          `                 ${f(r.unetPeakGiB, 2)}${r.finite ? '' : '  NON-FINITE OUTPUT'}`,
      );
    }
    const base = results.get('baseline');
    if (base) {
      console.log(
        '\nagainst the baseline (same run): open wall / open CPU / UNet call CPU / UNet call peak RSS',
      );
      for (const [name, r] of results) {
        if (name === 'baseline') continue;
        console.log(
          `  ${name.padEnd(15)} ${ratio(r.openWallS, base.openWallS)}  ${ratio(r.openCpuS, base.openCpuS)}  ` +
            `${ratio(r.unetCpuS, base.unetCpuS)}  ${ratio(r.unetPeakGiB, base.unetPeakGiB)}`,
        );
      }
    }
  }
  if (PHASES.includes('worker')) {
    // Worker start to ready: as before these settings existed, then each change alone and both; the cache is
    // warm from the probes (or from the `cache` run just before `cache + light` when probes were skipped).
    const runs: Array<[string, Record<string, string>]> = [
      ['before: full warm-up, no cache', { WORKER_WARMUP: 'full' }],
      ['light warm-up', { WORKER_WARMUP: 'light' }],
      ['cache (full warm-up)', { WORKER_WARMUP: 'full', WORKER_ORT_CACHE_DIR: cacheDir }],
      ['cache + light warm-up', { WORKER_WARMUP: 'light', WORKER_ORT_CACHE_DIR: cacheDir }],
    ];
    const starts: WorkerStart[] = [];
    console.log(
      '\nworker start → ready (EXECUTION_PROVIDERS=cpu)   ready s   engine load+warm-up s   peak RSS GiB',
    );
    for (const [label, env] of runs) {
      const s = await timeWorkerStart('sd15', MODEL_DIR, env);
      starts.push(s);
      console.log(
        `  ${label.padEnd(40)} ${f(s.readyS).padStart(7)}   ${f(s.engineMs / 1000).padStart(10)}            ${f(s.peakGiB, 2)}` +
          (starts.length > 1 ? `   (${ratio(s.readyS, starts[0].readyS)} of the time before)` : ''),
      );
    }
  }
  console.log(`\nload average at end ${readLoad()}`);
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}

function readLoad(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}
