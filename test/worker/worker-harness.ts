/**
 * Test harness for the GPU worker: a generated test model in a temp dir, fs storage in a temp dir, a unique
 * engine id per run (so the queue and registry entry collide with nobody), and real worker processes started from
 * the TypeScript sources (no build needed: SWC via tools/db/register.mjs, the same loader the db scripts use).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GENERATION_JOB,
  generationQueueName,
  type GenerationJobPayload,
  type GenerationJobResult,
} from '@easel/contracts';
import { writeTestModel } from '@easel/diffusion';
import { createObjectStore, type ObjectStore } from '@easel/storage';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TestEnv {
  root: string;
  modelDir: string;
  storageRoot: string;
  /** The same fs store the workers write to. */
  store: ObjectStore;
  engineId: string;
  queue: Queue<unknown, GenerationJobResult>;
  events: QueueEvents;
  redis: Redis;
  /** Worker environment for this engine, storage and Redis, with short stall timings. */
  workerEnv(extra?: Record<string, string>): Record<string, string>;
  cleanup(): Promise<void>;
}

export async function createTestEnv(): Promise<TestEnv> {
  const root = await mkdtemp(path.join(tmpdir(), 'easel-worker-test-'));
  const modelDir = path.join(root, 'model');
  const storageRoot = path.join(root, 'storage');
  await mkdir(storageRoot, { recursive: true });
  await writeTestModel(modelDir);
  // The descriptor file, as a deployment would ship it: small native size so defaults stay cheap on CPU.
  await writeFile(
    path.join(modelDir, 'easel.json'),
    JSON.stringify({ name: 'Test model', nativeWidth: 64, nativeHeight: 64, defaultSteps: 4, maxSize: 512 }),
  );
  const engineId = `test-${randomUUID().slice(0, 8)}`;
  const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
  const queue = new Queue<unknown, GenerationJobResult>(generationQueueName(engineId), { connection });
  const events = new QueueEvents(generationQueueName(engineId), { connection });
  await events.waitUntilReady();
  const redis = new Redis(REDIS_URL);
  const store = createObjectStore({ driver: 'fs', root: storageRoot });
  return {
    root,
    modelDir,
    storageRoot,
    store,
    engineId,
    queue,
    events,
    redis,
    workerEnv: (extra = {}) => ({
      REDIS_URL,
      WORKER_ENGINES: `${engineId}=${modelDir}`,
      STORAGE_DRIVER: 'fs',
      STORAGE_FS_ROOT: storageRoot,
      HEALTH_PORT: '0',
      HEALTH_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test', // JSON logs, which spawnWorker reads
      INTRA_OP_THREADS: '1',
      WORKER_LOCK_DURATION_MS: '3000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      REGISTRY_HEARTBEAT_MS: '500',
      REGISTRY_TTL_MS: '3000',
      ...extra,
    }),
    cleanup: async () => {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await Promise.all([queue.close(), events.close()]);
      redis.disconnect();
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export function payload(env: TestEnv, overrides: Partial<GenerationJobPayload> = {}): GenerationJobPayload {
  const generationId = overrides.generationId ?? randomUUID();
  return {
    version: 1,
    generationId,
    engine: env.engineId,
    mode: 'text-to-image',
    prompt: 'a red square',
    width: 64,
    height: 64,
    steps: 4,
    cfgScale: 7,
    sampler: 'euler_a',
    seed: 42,
    samples: 1,
    outputPrefix: `generations/${generationId}/`,
    preview: false,
    ...overrides,
  };
}

/** Adds a job the way the API does: the generation id is the job id. `attempts` kept small for tests. */
export function enqueue(env: TestEnv, data: unknown, id: string, attempts = 2) {
  return env.queue.add(GENERATION_JOB, data, { jobId: id, attempts, backoff: { type: 'fixed', delay: 100 } });
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the health port once the worker logged "worker ready". */
  ready: Promise<number>;
  exited: Promise<number | null>;
  output(): string;
}

/** `wrapper` runs the worker through another command, e.g. `['ip', 'netns', 'exec', name]`. */
export function spawnWorker(env: Record<string, string>, wrapper: string[] = []): WorkerProcess {
  const node = [
    process.execPath,
    '--conditions=@easel/source',
    '--import',
    './tools/db/register.mjs',
    'apps/gpu-worker/src/main.ts',
  ];
  const [command, ...args] = [...wrapper, ...node];
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let port = 0;
  const ready = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const portMatch = /"port":(\d+)[^\n]*health endpoint listening/.exec(text);
      if (portMatch) port = Number(portMatch[1]);
      if (text.includes('"msg":"worker ready"')) resolve(port);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready:\n${text}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exited, output: () => text };
}

/** Waits until `check` returns a value, polling. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
