import { readdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';

const CHECK_TIMEOUT_MS = 3_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Before anything else at start: can PostgreSQL and Redis be reached? Each unreachable one gets one sentence
 * naming its URL (password hidden), the variable that sets it, and how to start it, instead of a stack trace or
 * ioredis retrying in the background. Returns the sentences (empty when both answer).
 */
export async function checkApiDependencies(config: AppConfig): Promise<string[]> {
  const problems = await Promise.all([
    postgresProblem(config.database.url, 'DATABASE_URL'),
    redisProblem(config.redis.url, 'REDIS_URL'),
  ]);
  return problems.filter((p): p is string => p !== undefined);
}

export async function postgresProblem(url: string, variable: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CHECK_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    // The server answers: a missing database is created by the migration that runs next.
    if ((error as { code?: string }).code === '3D000') return undefined;
    const start = isLocal(url)
      ? `start it with \`${postgresStartCommand()}\` (or \`docker compose -f docker/compose.yaml up -d postgres\`)`
      : 'check that it runs and that this machine can reach it';
    return `PostgreSQL at ${safeUrl(url)} (${variable}) is unreachable (${reason(error)}): ${start}, or set ${variable}.`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function redisProblem(url: string, variable: string): Promise<string | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CHECK_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // With no retries, connect() only says "Connection is closed"; the socket's error says why.
  let cause: unknown;
  redis.on('error', (error) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    const port = portOf(url) ?? '6379';
    const start = isLocal(url)
      ? `start it with \`redis-server --daemonize yes --bind 127.0.0.1 --port ${port}\` (or \`docker compose -f docker/compose.yaml up -d redis\`)`
      : 'check that it runs and that this machine can reach it';
    return `Redis at ${safeUrl(url)} (${variable}) is unreachable (${reason(cause ?? error)}): ${start}, or set ${variable}.`;
  } finally {
    redis.disconnect();
  }
}

/** `pg_ctlcluster <installed version> main start` on Debian and Ubuntu. */
function postgresStartCommand(): string {
  let version = '<version>';
  try {
    version = readdirSync('/etc/postgresql').sort().at(-1) ?? version;
  } catch {
    // not a Debian-style install: keep the placeholder
  }
  return `pg_ctlcluster ${version} main start`;
}

function portOf(url: string): string | undefined {
  try {
    return new URL(url).port || undefined;
  } catch {
    return undefined;
  }
}

function isLocal(url: string): boolean {
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The URL with its password replaced, fit for a terminal or a log. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '<unparseable URL>';
  }
}

function reason(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ETIMEDOUT' || /timeout/i.test(message ?? '')) return 'no answer within 3 s';
  return message?.split('\n')[0] ?? String(error);
}
