/**
 * The whole stack a dashboard user meets, for the browser tests: the dashboard built to apps/web/dist, the real
 * API in-process on a port chosen up front (it is PUBLIC_URL, where Stripe's checkout sends the browser back),
 * a real GPU worker in-process serving the bundled easel-tiny model under an engine id of its own, fs storage in
 * a temp dir, and the Stripe test server delivering signed webhooks. Plus headless Chromium (Debian's).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../apps/gpu-worker/src/config.js';
import { GpuWorker } from '../../apps/gpu-worker/src/gpu-worker.js';
import type { PrismaService } from '../../apps/api/src/database/prisma.service.js';
import { buildWeb } from '../../tools/web/build-web.mjs';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestPrisma, deleteTestUsers } from '../support/database.js';
import { startStripeTestServer, type StripeTestServer } from '../support/stripe-server/index.js';
import { REDIS_URL } from '../worker/worker-harness.js';

export const CHROMIUM = '/usr/bin/chromium';
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'web');

export interface WebStack {
  api: TestApp;
  stripe: StripeTestServer;
  worker: GpuWorker;
  prisma: PrismaService;
  browser: Browser;
  engine: string;
  /** Emails of accounts the browser made: deleted on close. */
  emails: string[];
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startWebStack(): Promise<WebStack> {
  buildWeb({ quiet: true });
  await mkdir(ARTIFACTS, { recursive: true });
  const root = await mkdtemp(path.join(tmpdir(), 'easel-web-test-'));
  const storageRoot = path.join(root, 'storage');
  await mkdir(storageRoot, { recursive: true });
  const engine = `web-${randomUUID().slice(0, 8)}`;

  const worker = new GpuWorker(
    loadConfig({
      REDIS_URL,
      WORKER_ENGINES: `${engine}=${path.join(REPO_ROOT, 'models', 'easel-tiny')}`,
      STORAGE_DRIVER: 'fs',
      STORAGE_FS_ROOT: storageRoot,
      HEALTH_PORT: '0',
      HEALTH_HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      INTRA_OP_THREADS: '1',
      WORKER_ID: `web-test-${engine}`,
      WORKER_WARMUP: 'false',
      WORKER_LOCK_DURATION_MS: '30000',
      WORKER_STALLED_INTERVAL_MS: '15000',
      REGISTRY_HEARTBEAT_MS: '500',
      REGISTRY_TTL_MS: '3000',
    }),
    pino({ level: 'silent' }),
  );
  const stripe = await startStripeTestServer({ autoDeliver: true });
  const [, port] = await Promise.all([worker.start(), freePort()]);
  const origin = `http://127.0.0.1:${port}`;
  const api = await startTestApp(
    {
      ...stripe.env,
      PUBLIC_URL: origin,
      STORAGE_DRIVER: 'fs',
      STORAGE_FS_ROOT: storageRoot,
      RATE_LIMIT_AUTH_IP_MAX: '1000',
      LOG_LEVEL: 'warn',
    },
    { port },
  );
  stripe.setWebhookUrl(`${api.url}/api/billing/stripe/webhook`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const prisma = createTestPrisma(2);
  const emails: string[] = [];

  return {
    api,
    stripe,
    worker,
    prisma,
    browser,
    engine,
    emails,
    close: async () => {
      await browser.close().catch(() => undefined);
      await api.close();
      await stripe.close();
      await worker.shutdown(5000);
      const users = await prisma.$queryRaw<
        { id: string }[]
      >`SELECT id::text AS id FROM users WHERE email = ANY(${emails})`;
      await deleteTestUsers(
        prisma,
        users.map((u) => u.id),
      ).catch(() => undefined);
      await prisma.$disconnect();
      await rm(root, { recursive: true, force: true });
    },
  };
}
