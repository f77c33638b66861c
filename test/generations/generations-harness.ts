/**
 * The whole generation path for tests: the real API in-process (PostgreSQL, Redis), a real GPU worker in-process
 * on a generated test model (unique engine id per file), both on one fs object store in a temp dir.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { loadConfig } from '../../apps/gpu-worker/src/config.js';
import { GpuWorker } from '../../apps/gpu-worker/src/gpu-worker.js';
import type { PrismaService } from '../../apps/api/src/database/prisma.service.js';
import { call, startTestApp, type TestApp } from '../support/app.js';
import { createTestPrisma, createTestUser, deleteTestUsers } from '../support/database.js';
import { createTestEnv, waitFor, type TestEnv } from '../worker/worker-harness.js';

export { waitFor };

export interface GenerationsHarness {
  api: TestApp;
  env: TestEnv;
  worker: GpuWorker;
  prisma: PrismaService;
  engine: string;
  /** The API's environment overrides, to start another replica (or a restarted API) like it. */
  apiEnv: Record<string, string>;
  /** A user holding `credits`, signed in: returns a JWT for the API. */
  user(credits?: number): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

/** The test engine's descriptor: small defaults; maxPixels below maxSize² so "too many pixels" is reachable. */
export const TEST_ENGINE = {
  nativeWidth: 64,
  nativeHeight: 64,
  defaultSteps: 4,
  maxSize: 512,
  maxPixels: 512 * 384,
};

export async function startGenerationsHarness(
  apiEnv: Record<string, string> = {},
): Promise<GenerationsHarness> {
  const env = await createTestEnv();
  await writeFile(
    path.join(env.modelDir, 'easel.json'),
    JSON.stringify({ name: 'Test model', ...TEST_ENGINE }),
  );
  const worker = new GpuWorker(
    loadConfig(
      env.workerEnv({
        WORKER_ID: `gen-test-${env.engineId}`,
        WORKER_WARMUP: 'false',
        // No worker dies in these tests: a long lock keeps a loaded machine from seeing false stalls.
        WORKER_LOCK_DURATION_MS: '30000',
        WORKER_STALLED_INTERVAL_MS: '15000',
      }),
    ),
    pino({ level: 'silent' }),
  );
  await worker.start();
  const fullApiEnv: Record<string, string> = {
    STORAGE_DRIVER: 'fs',
    STORAGE_FS_ROOT: env.storageRoot,
    GENERATION_SWEEP_INTERVAL_MS: '300',
    GENERATION_RECONCILE_AFTER_MS: '1500',
    GENERATION_JOB_ATTEMPTS: '2',
    WEBHOOK_BACKOFF_MS: '100',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    LOG_LEVEL: 'warn',
    ...apiEnv,
  };
  const api = await startTestApp(fullApiEnv);
  // Replicas and restarts share the data folder, so JWTs and derived secrets stay valid across them.
  fullApiEnv.DATA_DIR = api.config.dataDir;
  const prisma = createTestPrisma(4);
  const users: string[] = [];
  const harness: GenerationsHarness = {
    api,
    apiEnv: fullApiEnv,
    env,
    worker,
    prisma,
    engine: env.engineId,
    user: async (credits = 200) => {
      const { api } = harness;
      const password = 'correct horse battery';
      const user = await createTestUser(prisma, { credits, password });
      users.push(user.id);
      const login = await call<{ accessToken: string }>(api.url, 'POST', '/api/auth/login', {
        json: { email: user.email, password },
      });
      if (login.status !== 200 && login.status !== 201) throw new Error(`login failed: ${login.status}`);
      return { id: user.id, token: login.body.accessToken };
    },
    close: async () => {
      await harness.api.close();
      await worker.shutdown(5000);
      await deleteTestUsers(prisma, users).catch(() => undefined);
      await prisma.$disconnect();
      await env.cleanup();
    },
  };
  return harness;
}

export interface GenerationBody {
  id: string;
  status: string;
  cost: number;
  error: { name: string; message: string } | null;
  progress: { step: number; total: number } | null;
  params: Record<string, unknown>;
  artifacts: Array<{
    index: number;
    seed: number;
    width: number;
    height: number;
    url: string;
    finishReason: string;
  }>;
  animation: { url: string; contentType: string; width: number; height: number } | null;
  startedAt: string | null;
  finishedAt: string | null;
  timings: { queueMs: number | null; pipelineMs: number | null; totalMs: number | null } | null;
}

/** Polls GET /api/generations/:id until the generation has finished. */
export async function finished(
  base: string,
  token: string,
  id: string,
  timeoutMs = 30_000,
): Promise<GenerationBody> {
  return waitFor(async () => {
    const reply = await call<GenerationBody>(base, 'GET', `/api/generations/${id}`, { token });
    return ['succeeded', 'failed', 'canceled'].includes(reply.body.status) ? reply.body : undefined;
  }, timeoutMs);
}

export async function balance(base: string, token: string): Promise<number> {
  return (await call<{ credits: number }>(base, 'GET', '/api/balance', { token })).body.credits;
}

/** Downloads a signed artifact URL (root-relative on the fs driver). */
export async function download(
  base: string,
  url: string,
): Promise<{ status: number; bytes: Buffer; type: string | null }> {
  const response = await fetch(url.startsWith('/') ? `${base}${url}` : url);
  return {
    status: response.status,
    bytes: Buffer.from(await response.arrayBuffer()),
    type: response.headers.get('content-type'),
  };
}

export async function pngSize(
  bytes: Buffer,
): Promise<[string | undefined, number | undefined, number | undefined]> {
  const meta = await sharp(bytes).metadata();
  return [meta.format, meta.width, meta.height];
}

/** A solid-colour PNG, base64, optionally with a white square (mask) in the middle. */
export async function solidPng(
  width: number,
  height: number,
  colour = '#3366cc',
  square = false,
): Promise<string> {
  let image = sharp({ create: { width, height, channels: 3, background: colour } });
  if (square) {
    const size = Math.floor(Math.min(width, height) / 2);
    const white = await sharp({ create: { width: size, height: size, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    image = image.composite([
      { input: white, left: Math.floor((width - size) / 2), top: Math.floor((height - size) / 2) },
    ]);
  }
  return (await image.png().toBuffer()).toString('base64');
}
