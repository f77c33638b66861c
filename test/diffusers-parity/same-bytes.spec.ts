/**
 * One request, three ways in: `easel-diffuse generate`, the library, and the HTTP API with a real worker, on the
 * diffusers parity model. Same seed and settings → the same PNG bytes (pixels and parameters chunk).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGenerateArgs, runCli, StableDiffusionPipeline } from '@easel/diffusion';
import { loadConfig } from '../../apps/gpu-worker/src/config.js';
import { GpuWorker } from '../../apps/gpu-worker/src/gpu-worker.js';
import { call, startTestApp, type TestApp } from '../support/app.js';
import { createTestPrisma, createTestUser, deleteTestUsers } from '../support/database.js';
import { download, finished } from '../generations/generations-harness.js';
import { REDIS_URL } from '../worker/worker-harness.js';
import { caseArgs, PARITY_DIR, parityCases } from './parity-cases.js';

const CASES = ['t2i-euler_a-s1-neg', 'i2i-ddim-st0.6-s1', 'inp4-euler_a-st0.75-s1'];
const COMPONENTS = [
  'model_index.json',
  'scheduler',
  'text_encoder',
  'tokenizer',
  'unet',
  'vae_decoder',
  'vae_encoder',
];

let root: string;
let modelDir: string;
let worker: GpuWorker;
let api: TestApp;
let token: string;
let userId: string;
const engine = `parity-${randomUUID().slice(0, 8)}`;
const prisma = createTestPrisma(2);

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'easel-same-bytes-'));
  // The fixture model under its own name, plus the easel.json a deployment ships: the worker writes the engine's
  // name into PNG parameters where the CLI writes the folder's name, so both say "tiny-sd".
  modelDir = path.join(root, 'tiny-sd');
  await mkdir(modelDir);
  for (const c of COMPONENTS) await symlink(path.join(PARITY_DIR, 'tiny-sd', c), path.join(modelDir, c));
  await writeFile(
    path.join(modelDir, 'easel.json'),
    JSON.stringify({ name: 'tiny-sd', nativeWidth: 128, nativeHeight: 128, maxSize: 256 }),
  );
  const storageRoot = path.join(root, 'storage');
  worker = new GpuWorker(
    loadConfig({
      REDIS_URL,
      WORKER_ENGINES: `${engine}=${modelDir}`,
      WORKER_ID: `same-bytes-${engine}`,
      WORKER_WARMUP: 'false',
      INTRA_OP_THREADS: '1',
      STORAGE_DRIVER: 'fs',
      STORAGE_FS_ROOT: storageRoot,
      HEALTH_PORT: '0',
      HEALTH_HOST: '127.0.0.1',
      REGISTRY_HEARTBEAT_MS: '500',
      REGISTRY_TTL_MS: '3000',
    }),
    pino({ level: 'silent' }),
  );
  await worker.start();
  api = await startTestApp({ STORAGE_DRIVER: 'fs', STORAGE_FS_ROOT: storageRoot, LOG_LEVEL: 'warn' });
  const password = 'correct horse battery';
  const user = await createTestUser(prisma, { credits: 50, password });
  userId = user.id;
  const login = await call<{ accessToken: string }>(api.url, 'POST', '/api/auth/login', {
    json: { email: user.email, password },
  });
  token = login.body.accessToken;
});

afterAll(async () => {
  await api?.close();
  await worker?.shutdown(5000);
  await deleteTestUsers(prisma, [userId]).catch(() => undefined);
  await prisma.$disconnect();
  await rm(root, { recursive: true, force: true });
});

/** The case's arguments against the renamed model folder. */
function argsFor(id: string): string[] {
  const c = parityCases.find((p) => p.id === id);
  if (!c) throw new Error(`no parity case ${id}`);
  const args = caseArgs(c);
  args[1] = modelDir;
  return args;
}

/** The same request as the native API's JSON body. */
async function apiBody(args: string[]): Promise<Record<string, unknown>> {
  const { request } = await parseGenerateArgs([...args, '--out', 'unused.png']);
  const base64 = (bytes: Uint8Array | undefined): string | undefined =>
    bytes && Buffer.from(bytes).toString('base64');
  return {
    engine,
    mode: request.maskImage ? 'inpaint' : request.initImage ? 'image-to-image' : 'text-to-image',
    prompt: request.prompt,
    negativePrompt: request.negativePrompt,
    seed: request.seed,
    steps: request.steps,
    cfgScale: request.cfgScale,
    sampler: request.sampler,
    width: request.width,
    height: request.height,
    initImage: base64(request.initImage),
    strength: request.strength,
    mask: base64(request.maskImage),
    maskSource: request.maskSource,
  };
}

describe('the CLI, the library and the API give the same bytes', () => {
  for (const id of CASES) {
    it(id, async () => {
      const args = argsFor(id);
      const file = path.join(root, `${id}.png`);
      expect(
        await runCli(['generate', ...args, '--out', file], {
          stdout: { write: () => true },
          stderr: { write: () => true },
        }),
      ).toBe(0);
      const cli = await readFile(file);

      const { request, load } = await parseGenerateArgs([...args, '--out', file]);
      const pipeline = await StableDiffusionPipeline.fromModelDir(modelDir, load);
      const library = await pipeline.run(request).finally(() => pipeline.release());

      const created = await call<{ id: string }>(api.url, 'POST', '/api/generations', {
        token,
        json: await apiBody(args),
      });
      expect(created.status).toBe(202);
      const done = await finished(api.url, token, created.body.id, 60_000);
      expect(done.status).toBe('succeeded');
      const served = await download(api.url, done.artifacts[0].url);

      expect(Buffer.from(library.images[0].png).equals(cli)).toBe(true);
      expect(served.bytes.equals(cli)).toBe(true);
    });
  }
});
