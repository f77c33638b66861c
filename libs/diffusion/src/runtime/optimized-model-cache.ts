/**
 * ONNX Runtime's optimized-model cache. Opening a graph runs ORT's graph optimizations every time (for a
 * full-size SD 1.5 UNet on CPU at level 'all', most of the open); ORT can save the optimized graph, and a later
 * open of that file with optimizations disabled skips the work. Saved graphs at 'extended'/'all' are specific to
 * the execution provider and the CPU, so an entry's key covers the model files, ORT's version, the level, the
 * providers and the CPU. An entry is written to a temporary folder and renamed into place only once ORT has
 * finished it, so concurrent workers never open a half-written one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { arch } from 'node:os';
import path from 'node:path';
import { env as ortEnv } from 'onnxruntime-node';
import type { CacheOptions, GraphOptimizationLevel } from './session-options.js';

const MODEL_FILE = 'model.onnx';
const DATA_FILE = 'model.onnx.data';
const COMPLETE = 'complete';

export interface CacheEntry {
  /** The model file to open: the cached one on a hit, the original on a miss. */
  modelPath: string;
  options: CacheOptions;
  hit: boolean;
  /** After a successful open: on a miss, moves the saved graph into place. */
  commit(): Promise<void>;
  /** After a failed open: removes a partial entry. */
  discard(): Promise<void>;
}

/** The CPU's identity for the key: model name and instruction-set flags decide which kernels ORT picked. */
function cpuIdentity(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name: string): string => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(info)?.[1] ?? '';
    return `${arch()} ${field('model name')} ${field('flags')}`;
  } catch {
    return arch();
  }
}

/** Every file beside the model (external weights included): name, size and modification time. */
async function modelFingerprint(modelPath: string): Promise<string[]> {
  const dir = path.dirname(modelPath);
  const names = (await readdir(dir)).sort();
  const parts: string[] = [];
  for (const name of names) {
    const s = await stat(path.join(dir, name));
    if (s.isFile()) parts.push(`${name}:${s.size}:${Math.trunc(s.mtimeMs)}`);
  }
  return parts;
}

export async function optimizedModelCache(
  cacheDir: string,
  label: string,
  modelPath: string,
  level: GraphOptimizationLevel,
  providers: readonly string[],
): Promise<CacheEntry> {
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        model: path.resolve(modelPath),
        files: await modelFingerprint(modelPath),
        ort: ortEnv.versions.common,
        level,
        providers,
        cpu: cpuIdentity(),
      }),
    )
    .digest('hex')
    .slice(0, 24);
  const entry = path.join(cacheDir, `${label.replace(/[^\w.-]/g, '_')}-${key}`);
  if (existsSync(path.join(entry, COMPLETE))) {
    const noop = (): Promise<void> => Promise.resolve();
    const options: CacheOptions = { graphOptimizationLevel: 'disabled' };
    return { modelPath: path.join(entry, MODEL_FILE), options, hit: true, commit: noop, discard: noop };
  }
  const staging = `${entry}.tmp-${randomUUID()}`;
  await mkdir(staging, { recursive: true });
  return {
    modelPath,
    options: { save: { modelPath: path.join(staging, MODEL_FILE), dataFile: DATA_FILE } },
    hit: false,
    async commit() {
      await writeFile(path.join(staging, COMPLETE), `${label} ${modelPath}\n`);
      try {
        await rename(staging, entry);
      } catch {
        // Another worker finished the same entry first: theirs stays.
        await rm(staging, { recursive: true, force: true });
      }
    },
    async discard() {
      await rm(staging, { recursive: true, force: true });
    },
  };
}
