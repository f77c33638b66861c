// One request id from the HTTP request through the job, the worker's log lines and the webhook delivery; the
// metrics of a real generation on both sides (real API, real worker on a generated model, PostgreSQL, Redis).
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../apps/gpu-worker/src/config.js';
import { GpuWorker } from '../../apps/gpu-worker/src/gpu-worker.js';
import { TEST_ENGINE, finished } from '../generations/generations-harness.js';
import { call, startTestApp, type TestApp } from '../support/app.js';
import { createTestPrisma, createTestUser, deleteTestUsers } from '../support/database.js';
import { sample, scrape } from '../support/prometheus.js';
import { createTestEnv, waitFor, type TestEnv } from '../worker/worker-harness.js';

const WORKER_TOKEN = 'worker-metrics-token-0123456789';
let env: TestEnv;
let worker: GpuWorker;
let api: TestApp;
let receiver: Server;
const deliveries: IncomingHttpHeaders[] = [];
const workerLogs: Array<Record<string, unknown>> = [];
const prisma = createTestPrisma(2);
const users: string[] = [];

beforeAll(async () => {
  env = await createTestEnv();
  await writeFile(
    path.join(env.modelDir, 'easel.json'),
    JSON.stringify({ name: 'Test model', ...TEST_ENGINE }),
  );
  const capture = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        workerLogs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  worker = new GpuWorker(
    loadConfig(
      env.workerEnv({
        WORKER_ID: `trace-${env.engineId}`,
        WORKER_WARMUP: 'false',
        WORKER_LOCK_DURATION_MS: '30000',
        WORKER_STALLED_INTERVAL_MS: '15000',
        METRICS_TOKEN: WORKER_TOKEN,
      }),
    ),
    pino({ level: 'info' }, capture),
  );
  await worker.start();
  api = await startTestApp({
    STORAGE_DRIVER: 'fs',
    STORAGE_FS_ROOT: env.storageRoot,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_BACKOFF_MS: '100',
  });
  receiver = createServer((req, res) => {
    deliveries.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  receiver?.close();
  await api?.close();
  await worker?.shutdown(5_000);
  await deleteTestUsers(prisma, users);
  await prisma.$disconnect();
  await env?.cleanup();
});

describe('a generation, traced', () => {
  it('carries the X-Request-Id to the worker logs and the webhook, and shows in both sides’ metrics', async () => {
    const password = 'correct horse battery';
    const user = await createTestUser(prisma, { credits: 10, password });
    users.push(user.id);
    const login = await call<{ accessToken: string }>(api.url, 'POST', '/api/auth/login', {
      json: { email: user.email, password },
    });
    const token = login.body.accessToken;
    const requestId = `trace-${randomUUID()}`;
    const { port } = receiver.address() as AddressInfo;
    const created = await call<{ id: string }>(api.url, 'POST', '/api/generations', {
      token,
      headers: { 'x-request-id': requestId },
      json: {
        engine: env.engineId,
        prompt: 'a red square',
        steps: 3,
        webhookUrl: `http://127.0.0.1:${port}/hook`,
      },
    });
    expect(created.status).toBe(202);
    expect(created.headers.get('x-request-id')).toBe(requestId);
    const done = await finished(api.url, token, created.body.id);
    expect(done.status).toBe('succeeded');
    // The id is plumbing, not a parameter the client asked for.
    expect(done.params).not.toHaveProperty('requestId');

    await waitFor(() => deliveries.length > 0 || undefined);
    expect(deliveries[0]['x-request-id']).toBe(requestId);
    const traced = workerLogs.filter((line) => line.reqId === requestId).map((line) => line.msg);
    expect(traced).toEqual(expect.arrayContaining(['generation started', 'generation succeeded']));
    const apiLines = api.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(apiLines.some((line) => line.reqId === requestId && line.msg === 'request completed')).toBe(true);

    const apiMetrics = await scrape(api.metricsUrl!);
    expect(
      sample(apiMetrics, 'easel_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/generations',
        status: '202',
      }),
    ).toBe(1);
    expect(sample(apiMetrics, 'easel_credits_total', { kind: 'debit' })).toBe(done.cost);
    expect(
      sample(apiMetrics, 'easel_generations_settled_total', { engine: env.engineId, status: 'succeeded' }),
    ).toBe(1);
    expect(
      sample(apiMetrics, 'easel_generation_duration_seconds_count', {
        engine: env.engineId,
        status: 'succeeded',
      }),
    ).toBe(1);
    await waitFor(async () =>
      sample(await scrape(api.metricsUrl!), 'easel_webhook_deliveries_total', { outcome: 'delivered' }) === 1
        ? true
        : undefined,
    );

    const workerUrl = `http://127.0.0.1:${worker.healthPort}/metrics`;
    expect((await fetch(workerUrl)).status).toBe(401);
    const w = await scrape(workerUrl, WORKER_TOKEN);
    const engine = { engine: env.engineId };
    expect(sample(w, 'easel_worker_jobs_completed_total', engine)).toBe(1);
    expect(sample(w, 'easel_worker_images_total', engine)).toBe(1);
    expect(sample(w, 'easel_worker_denoise_steps_total', engine)).toBe(3);
    expect(sample(w, 'easel_worker_pipeline_seconds_count', engine)).toBe(1);
    expect(sample(w, 'easel_worker_upload_seconds_count', engine)).toBe(1);
    expect(sample(w, 'easel_worker_queue_wait_seconds_count', engine)).toBe(1);
    expect(sample(w, 'easel_worker_steps_per_second', engine)).toBeGreaterThan(0);
    expect(sample(w, 'easel_worker_images_per_second', engine)).toBeGreaterThan(0);
    expect(sample(w, 'easel_worker_busy', { worker: `trace-${env.engineId}` })).toBe(0);
    // The health probes stay open: the kubelet sends no token.
    expect((await fetch(`http://127.0.0.1:${worker.healthPort}/health/live`)).status).toBe(200);
  });
});
