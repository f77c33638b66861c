/**
 * The generation path assembled from parts a fault test can break one at a time: PostgreSQL and Redis (the shared
 * test ones, or private ones the test restarts), object storage (a fs folder, or any STORAGE_* env), the API
 * in-process, and workers in-process or as processes — all on one generated test model with a unique engine id.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generationQueueName, type GenerationJobResult } from '@easel/contracts';
import { writeTestModel } from '@easel/diffusion';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { loadConfig as loadWorkerConfig } from '../../../apps/gpu-worker/src/config.js';
import { GpuWorker } from '../../../apps/gpu-worker/src/gpu-worker.js';
import { PrismaService } from '../../../apps/api/src/database/prisma.service.js';
import { call, startTestApp, type TestApp } from '../../support/app.js';
import { createScratchDatabase, createTestUser, deleteTestUsers } from '../../support/database.js';

export interface FaultStackOptions {
  redisUrl?: string;
  databaseUrl?: string;
  /** STORAGE_* for API and workers; a fs folder in the stack's temp dir by default. */
  storageEnv?: Record<string, string>;
  /** Extra API env; `false` starts no API (the test runs it as a process). */
  apiEnv?: Record<string, string> | false;
}

export interface FaultStack {
  engine: string;
  modelDir: string;
  redisUrl: string;
  databaseUrl: string;
  /** The API in-process (undefined with apiEnv: false). */
  api: TestApp | undefined;
  /** Everything an API needs to join this stack (in-process or as a process). */
  apiEnv: Record<string, string>;
  prisma: PrismaService;
  /** The engine's queue, to read job states. */
  queue: Queue<unknown, GenerationJobResult>;
  /** Worker env for this stack; `extra` overrides. */
  workerEnv(extra?: Record<string, string>): Record<string, string>;
  /** A worker in this process (stopped by close()). */
  startWorker(extra?: Record<string, string>): Promise<GpuWorker>;
  /** A user holding `credits`, signed in through `apiUrl` (the in-process API by default). */
  user(credits: number, apiUrl?: string): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

/** Short locks and stall checks: a dead or cut-off worker's job is taken over within seconds. */
export const FAST_TAKEOVER = {
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
};

export async function startFaultStack(opts: FaultStackOptions = {}): Promise<FaultStack> {
  const root = await mkdtemp(path.join(tmpdir(), 'easel-fault-'));
  const modelDir = path.join(root, 'model');
  const storageRoot = path.join(root, 'storage');
  await mkdir(storageRoot, { recursive: true });
  await writeTestModel(modelDir);
  await writeFile(
    path.join(modelDir, 'easel.json'),
    JSON.stringify({ name: 'Test model', nativeWidth: 64, nativeHeight: 64, defaultSteps: 4, maxSize: 512 }),
  );
  const engine = `fault-${randomUUID().slice(0, 8)}`;
  const redisUrl = opts.redisUrl ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  // A database of its own by default: other test files' API replicas sweep their database for unfinished
  // generations and pending webhooks, and must never reconcile (or redeliver) this stack's.
  const scratch = opts.databaseUrl ? undefined : await createScratchDatabase('easel_fault');
  const databaseUrl = opts.databaseUrl ?? scratch!.url;
  const storageEnv = opts.storageEnv ?? { STORAGE_DRIVER: 'fs', STORAGE_FS_ROOT: storageRoot };
  // Its own BullMQ prefix: API replicas of other test files (which watch every registered engine) never see this
  // stack's job events, so only this stack's API settles its generations.
  const queuePrefix = `bull-${engine}`;
  const apiEnv: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `easel-fault:${engine}:`,
    QUEUE_PREFIX: queuePrefix,
    DATA_DIR: path.join(root, 'api-data'),
    ...storageEnv,
    GENERATION_SWEEP_INTERVAL_MS: '300',
    GENERATION_RECONCILE_AFTER_MS: '1500',
    GENERATION_JOB_ATTEMPTS: '3',
    LOG_LEVEL: 'warn',
    ...(opts.apiEnv || {}),
  };
  await mkdir(apiEnv.DATA_DIR, { recursive: true });
  const api = opts.apiEnv === false ? undefined : await startTestApp(apiEnv);
  const prisma = new PrismaService({ url: databaseUrl, poolSize: 3 });
  const queue = new Queue<unknown, GenerationJobResult>(generationQueueName(engine), {
    connection: { url: redisUrl, maxRetriesPerRequest: null },
    prefix: queuePrefix,
  });
  queue.on('error', () => undefined); // a restarted Redis: the queue reconnects
  const workers: GpuWorker[] = [];
  const users: string[] = [];

  const workerEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
    REDIS_URL: redisUrl,
    WORKER_ENGINES: `${engine}=${modelDir}`,
    QUEUE_PREFIX: queuePrefix,
    ...storageEnv,
    HEALTH_PORT: '0',
    HEALTH_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    INTRA_OP_THREADS: '1',
    WORKER_WARMUP: 'false',
    REGISTRY_HEARTBEAT_MS: '500',
    REGISTRY_TTL_MS: '5000',
    ...extra,
  });

  return {
    engine,
    modelDir,
    redisUrl,
    databaseUrl,
    api,
    apiEnv,
    prisma,
    queue,
    workerEnv,
    startWorker: async (extra = {}) => {
      const worker = new GpuWorker(
        loadWorkerConfig(workerEnv({ WORKER_ID: `in-process-${randomUUID().slice(0, 6)}`, ...extra })),
        pino({ level: 'silent' }),
      );
      workers.push(worker);
      await worker.start();
      return worker;
    },
    user: async (credits, apiUrl = api?.url) => {
      if (!apiUrl) throw new Error('no API to sign in through');
      const password = 'correct horse battery';
      const user = await createTestUser(prisma, { credits, password });
      users.push(user.id);
      const login = await call<{ accessToken: string }>(apiUrl, 'POST', '/api/auth/login', {
        json: { email: user.email, password },
      });
      if (login.status !== 200)
        throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
      return { id: user.id, token: login.body.accessToken };
    },
    close: async () => {
      await api?.close().catch(() => undefined);
      await Promise.all(workers.map((w) => w.shutdown(2000).catch(() => undefined)));
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close().catch(() => undefined);
      await deleteTestUsers(prisma, users).catch(() => undefined);
      await prisma.$disconnect();
      await scratch?.drop().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** POST /api/generations for `token` on `engine`; `json` overrides the small default request. */
export function submit(
  apiUrl: string,
  token: string,
  engine: string,
  json: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return call<{ id: string; status: string; cost: number }>(apiUrl, 'POST', '/api/generations', {
    token,
    json: { engine, prompt: 'a lighthouse in a storm', steps: 3, ...json },
    headers,
  });
}

/** A job long enough to fault mid-way on a loaded machine, short enough for the suite's budget. */
export const LONG_JOB = { width: 256, height: 256, steps: 40, sampler: 'euler' } as const;
