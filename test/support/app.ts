// Starts the real API in-process on an ephemeral port (real PostgreSQL and Redis) and captures its JSON logs.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type AppConfig } from '../../apps/api/src/config/app-config.js';
import { createApp } from '../../apps/api/src/create-app.js';
import { MetricsEndpoint } from '../../apps/api/src/observability/observability.module.js';
import { createTestPrisma, deleteTestUsers, migrateTestDatabase, testDatabaseUrl } from './database.js';

export interface TestApp {
  url: string;
  /** `http://127.0.0.1:<METRICS_PORT>/metrics` (undefined with METRICS_ENABLED=false). */
  metricsUrl: string | undefined;
  app: NestFastifyApplication;
  config: AppConfig;
  /** Every log line written so far (raw JSON text). */
  logs: string[];
  close(): Promise<void>;
}

/**
 * `env` overrides the embedded defaults, e.g. `{ RATE_LIMIT_AUTH_IP_MAX: '3' }`; `port` when the URL must be
 * known before the app starts (PUBLIC_URL for a browser that Stripe's checkout sends back).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { port?: number } = {},
): Promise<TestApp> {
  await migrateTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    // A private namespace per app: rate-limit counters and pub/sub of parallel test files never meet.
    REDIS_KEY_PREFIX: `easel-test:${randomUUID()}:`,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'easel-api-test-')),
    LOG_LEVEL: 'info',
    // Any free port: several apps run in one test process.
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    // A stuck test client must not hold the file's afterAll for the production drain deadline.
    SHUTDOWN_DRAIN_MS: '5000',
    ...env,
  });
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const app = await createApp(config, { logStream });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as { port: number };
  const metricsPort = app.get(MetricsEndpoint).port;
  return {
    url: `http://127.0.0.1:${port}`,
    metricsUrl: metricsPort === undefined ? undefined : `http://127.0.0.1:${metricsPort}/metrics`,
    app,
    config,
    logs,
    close: () => app.close(),
  };
}

/**
 * The usual setup of a test file: one real API for the file (started before its tests, closed after) and the
 * users it signed up (push their ids to `created`) deleted at the end. `t.url`, `t.app`, `t.config`, `t.logs`,
 * `t.metricsUrl` read the running app.
 */
export function useTestApp(env: Record<string, string> = {}): {
  readonly url: string;
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  readonly logs: string[];
  readonly metricsUrl: string | undefined;
  readonly prisma: ReturnType<typeof createTestPrisma>;
  readonly created: string[];
} {
  let running: TestApp | undefined;
  const prisma = createTestPrisma(2);
  const created: string[] = [];
  const started = (): TestApp => {
    if (!running) throw new Error('useTestApp: the app starts in beforeAll; read it inside a test');
    return running;
  };
  beforeAll(async () => {
    running = await startTestApp(env);
  });
  afterAll(async () => {
    await deleteTestUsers(prisma, created);
    await prisma.$disconnect();
    await running?.close();
  });
  return {
    get url() {
      return started().url;
    },
    get app() {
      return started().app;
    },
    get config() {
      return started().config;
    },
    get logs() {
      return started().logs;
    },
    get metricsUrl() {
      return started().metricsUrl;
    },
    prisma,
    created,
  };
}

export const uniqueEmail = (tag = 'user'): string => `${tag}-${randomUUID()}@easel.test`;

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** fetch with a JSON body and bearer token; parses JSON answers. */
export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  route: string,
  opts: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(opts.json);
  }
  const response = await fetch(`${base}${route}`, { method, headers, body });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json') ?? false;
  return {
    status: response.status,
    headers: response.headers,
    body: (isJson && text ? JSON.parse(text) : text) as T,
  };
}

export interface SignedUp {
  id: string;
  email: string;
  password: string;
  token: string;
}

/** Signs a fresh user up through the API; remember `id` for cleanup (deleteTestUsers). */
export async function signUp(base: string, password = 'correct horse battery'): Promise<SignedUp> {
  const email = uniqueEmail();
  const reply = await call<{ user: { id: string }; accessToken: string }>(base, 'POST', '/api/auth/signup', {
    json: { email, password },
  });
  if (reply.status !== 201) throw new Error(`sign-up failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return { id: reply.body.user.id, email, password, token: reply.body.accessToken };
}

/** Creates an API key for the JWT's user and returns its secret and id. */
export async function createKey(
  base: string,
  token: string,
  name = 'test',
): Promise<{ id: string; key: string }> {
  const reply = await call<{ id: string; key: string }>(base, 'POST', '/api/keys', { token, json: { name } });
  if (reply.status !== 201)
    throw new Error(`key creation failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** Every error body: exactly {id, name, message}, id echoed in X-Request-Id. */
export function expectErrorShape(reply: Reply, status: number, name: string): void {
  const body = reply.body as Record<string, unknown>;
  if (reply.status !== status || body.name !== name) {
    throw new Error(`expected ${status} ${name}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'id,message,name') throw new Error(`error body keys are ${keys}`);
  if (typeof body.message !== 'string' || body.message.length === 0)
    throw new Error('error body has no message');
  if (body.id !== reply.headers.get('x-request-id')) throw new Error('error id differs from X-Request-Id');
}
