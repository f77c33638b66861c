/**
 * Before loading any model: can Redis and the object store be reached? Each unreachable one gets one sentence
 * naming where it was looked for, the variable that sets it, and how to start it (instead of ioredis retrying
 * forever in the logs, or a first job failing at upload).
 */
import { access, constants, mkdir } from 'node:fs/promises';
import { createObjectStore, STORAGE_ENV, type ObjectStoreConfig } from '@easel/storage';
import { Redis } from 'ioredis';
import type { WorkerConfig } from './config.js';

const CHECK_TIMEOUT_MS = 5_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export async function checkWorkerDependencies(config: WorkerConfig): Promise<string[]> {
  const problems = await Promise.all([redisProblem(config.redisUrl), storageProblem(config.storage)]);
  return problems.filter((p): p is string => p !== undefined);
}

async function redisProblem(url: string): Promise<string | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CHECK_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause: unknown; // connect() without retries only says "Connection is closed"
  redis.on('error', (error) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    const parsed = safeParse(url);
    const start =
      parsed && LOOPBACK.has(parsed.hostname)
        ? `start it with \`redis-server --daemonize yes --bind 127.0.0.1 --port ${parsed.port || '6379'}\``
        : 'check that it runs and that this machine can reach it';
    return `Redis at ${hidePassword(url)} (REDIS_URL) is unreachable (${reason(cause ?? error)}): ${start}, or set REDIS_URL.`;
  } finally {
    redis.disconnect();
  }
}

async function storageProblem(storage: ObjectStoreConfig): Promise<string | undefined> {
  if (storage.driver === 'fs') {
    try {
      await mkdir(storage.root, { recursive: true });
      await access(storage.root, constants.W_OK);
      return undefined;
    } catch (error) {
      return `Object storage folder ${storage.root} (${STORAGE_ENV.root}) is not writable (${reason(error)}): create it with write permission for this user, or set ${STORAGE_ENV.root}.`;
    }
  }
  const store = createObjectStore(storage);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.list('easel-startup-check/'),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return undefined;
  } catch (error) {
    const where = storage.endpoint
      ? `${storage.endpoint} (${STORAGE_ENV.endpoint})`
      : `AWS S3 (${STORAGE_ENV.region})`;
    return `Object storage bucket ${storage.bucket} (${STORAGE_ENV.bucket}) at ${where} is unreachable (${reason(error)}): start the S3 service (\`docker compose -f docker/compose.yaml up -d minio\` locally) or fix the STORAGE_S3_* variables.`;
  } finally {
    clearTimeout(timer);
    await store.close().catch(() => undefined);
  }
}

function safeParse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function hidePassword(url: string): string {
  const parsed = safeParse(url);
  if (!parsed) return '<unparseable URL>';
  if (parsed.password) parsed.password = '***';
  return parsed.toString().replace(/\/$/, '');
}

function reason(error: unknown): string {
  const { code, message, name } = error as { code?: string; message?: string; name?: string };
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (message?.split('\n')[0] || name) ?? String(error);
}
