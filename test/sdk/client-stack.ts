/**
 * The running stack the clients (TypeScript SDK, `easel` command, Python client) are tested against: the real
 * API in-process (PostgreSQL, Redis) and a real GPU worker process on a generated test model, sharing one fs
 * object store; accounts with API keys made through the API itself.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import type { PrismaService } from '../../apps/api/src/database/prisma.service.js';
import { call, createKey, startTestApp, type TestApp } from '../support/app.js';
import { createTestPrisma, createTestUser, deleteTestUsers } from '../support/database.js';
import { createTestEnv, spawnWorker, type TestEnv, type WorkerProcess } from '../worker/worker-harness.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TestAccount {
  id: string;
  email: string;
  password: string;
  /** A login access token (for key management). */
  token: string;
  /** An API key. */
  key: string;
}

export interface ClientStack {
  api: TestApp;
  env: TestEnv;
  worker: WorkerProcess;
  prisma: PrismaService;
  engine: string;
  /** A fresh account holding `credits`, with an API key. */
  account(credits?: number): Promise<TestAccount>;
  balanceOf(userId: string): Promise<number>;
  /** The ledger references of a user's entries for one generation: `generation:<id>:debit` / `:refund`. */
  entriesFor(userId: string, generationId: string): Promise<Array<{ kind: string; amount: number }>>;
  close(): Promise<void>;
}

/** A long job that keeps the single worker busy for seconds (150 steps at 256²). */
export const SLOW = { width: 256, height: 256, steps: 150, sampler: 'euler' } as const;

export async function startClientStack(apiEnv: Record<string, string> = {}): Promise<ClientStack> {
  const env = await createTestEnv();
  await writeFile(
    path.join(env.modelDir, 'easel.json'),
    JSON.stringify({ name: 'Test model', nativeWidth: 64, nativeHeight: 64, defaultSteps: 4, maxSize: 512 }),
  );
  const worker = spawnWorker(
    env.workerEnv({
      WORKER_ID: `client-test-${env.engineId}`,
      WORKER_WARMUP: 'false',
      LOG_LEVEL: 'info', // spawnWorker waits for the "worker ready" line
      // No worker dies in these tests: a long lock keeps a loaded machine from seeing false stalls.
      WORKER_LOCK_DURATION_MS: '30000',
      WORKER_STALLED_INTERVAL_MS: '15000',
    }),
  );
  const api = await startTestApp({
    STORAGE_DRIVER: 'fs',
    STORAGE_FS_ROOT: env.storageRoot,
    GENERATION_SWEEP_INTERVAL_MS: '300',
    LOG_LEVEL: 'warn',
    ...apiEnv,
  });
  try {
    await worker.ready;
  } catch (error) {
    await api.close();
    await env.cleanup();
    throw error;
  }
  const prisma = createTestPrisma(2);
  const users: string[] = [];
  return {
    api,
    env,
    worker,
    prisma,
    engine: env.engineId,
    async account(credits = 200) {
      const password = 'correct horse battery';
      const user = await createTestUser(prisma, { credits, password });
      users.push(user.id);
      const login = await call<{ accessToken: string }>(api.url, 'POST', '/api/auth/login', {
        json: { email: user.email, password },
      });
      if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
      const { key } = await createKey(api.url, login.body.accessToken);
      return { id: user.id, email: user.email, password, token: login.body.accessToken, key };
    },
    async balanceOf(userId) {
      const rows = await prisma.$queryRaw<Array<{ credits: number }>>`
        SELECT credits FROM credit_balances WHERE user_id = ${userId}::uuid`;
      return rows[0].credits;
    },
    entriesFor(userId, generationId) {
      return prisma.$queryRaw`SELECT kind::text, amount FROM ledger_entries
        WHERE user_id = ${userId}::uuid AND reference LIKE ${`generation:${generationId}:%`} ORDER BY created_at`;
    },
    async close() {
      await api.close();
      worker.child.kill('SIGTERM');
      await worker.exited;
      await deleteTestUsers(prisma, users).catch(() => undefined);
      await prisma.$disconnect();
      await env.cleanup();
    },
  };
}
