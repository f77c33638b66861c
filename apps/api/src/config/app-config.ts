import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { objectStoreConfigFromEnv, type ObjectStoreConfig } from '@easel/storage';
import { type BillingConfig, billingConfigFromEnv } from './billing-config.js';
import { DEFAULT_WEB_DIST_DIR } from '../web/web-app.js';
import { EnvSchema } from './config.schema.js';

/** The typed configuration the whole API reads; built once at start by `loadConfig`. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: {
    port: number;
    host: string;
    bodyLimitBytes: number;
    imageBodyLimitBytes: number;
    trustProxy: boolean;
    workers: number;
    shutdownDrainMs: number;
  };
  database: { url: string; autoMigrate: boolean; preparedStatements: boolean };
  redis: { url: string; keyPrefix: string };
  dataDir: string;
  jwt: { secret: string; ttlSeconds: number };
  /** The dashboard's cookie session; `secure` when served over HTTPS (PUBLIC_URL) or in production. */
  session: { ttlSeconds: number; secure: boolean; csrfSecret: string };
  /** The built dashboard's folder (served at `/`). */
  web: { distDir: string };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logFormat: 'pretty' | 'json';
  metrics: { enabled: boolean; host: string; port: number; token: string | undefined };
  loginLockout: { threshold: number; baseSeconds: number; maxSeconds: number };
  rateLimit: { windowMs: number; apiKeyMax: number; authIpMax: number };
  apiKeyCacheTtlMs: number;
  demoAccount: boolean;
  /** Object storage (STORAGE_*); the fs driver always has a signing secret here, so the API can sign URLs. */
  storage: ObjectStoreConfig;
  queue: { prefix: string; attempts: number };
  generations: {
    sweepIntervalMs: number;
    reconcileAfterMs: number;
    maxWaitSeconds: number;
    signedUrlTtlSeconds: number;
  };
  webhooks: {
    secret: string;
    maxAttempts: number;
    backoffMs: number;
    timeoutMs: number;
    /** Deliver to loopback/private addresses too (tests, local development); never in production. */
    allowPrivateTargets: boolean;
  };
  /** Stripe Checkout and credit packs; `stripe` is null when billing is not configured. */
  billing: BillingConfig;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty strings count as unset, as in most .env tooling.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production');
  }
  let storage: ObjectStoreConfig;
  try {
    storage = objectStoreConfigFromEnv(present);
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let billing: BillingConfig;
  try {
    billing = billingConfigFromEnv(e);
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const jwtSecret = e.JWT_SECRET ?? localJwtSecret(dataDir);
  if (storage.driver === 'fs') {
    storage = {
      ...storage,
      root: path.resolve(present.STORAGE_FS_ROOT ? storage.root : path.join(dataDir, 'storage')),
      signingSecret: storage.signingSecret ?? derivedSecret(jwtSecret, 'storage-url'),
    };
  }
  return {
    env: e.NODE_ENV,
    http: {
      port: e.PORT,
      host: e.HOST,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      imageBodyLimitBytes: e.IMAGE_BODY_LIMIT_BYTES,
      trustProxy: e.TRUST_PROXY,
      workers: e.API_WORKERS,
      shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    },
    database: {
      url: e.DATABASE_URL,
      autoMigrate: e.DB_AUTO_MIGRATE,
      preparedStatements: e.DB_PREPARED_STATEMENTS,
    },
    redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX },
    dataDir,
    jwt: { secret: jwtSecret, ttlSeconds: e.JWT_TTL_SECONDS },
    session: {
      ttlSeconds: e.SESSION_TTL_SECONDS,
      secure: e.NODE_ENV === 'production' || e.PUBLIC_URL.startsWith('https:'),
      csrfSecret: derivedSecret(jwtSecret, 'session-csrf'),
    },
    web: { distDir: path.resolve(e.WEB_DIST_DIR ?? DEFAULT_WEB_DIST_DIR) },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' ? 'pretty' : 'json'),
    metrics: {
      enabled: e.METRICS_ENABLED,
      host: e.METRICS_HOST,
      port: e.METRICS_PORT,
      token: e.METRICS_TOKEN,
    },
    loginLockout: {
      threshold: e.LOGIN_LOCKOUT_THRESHOLD,
      baseSeconds: e.LOGIN_LOCKOUT_BASE_SECONDS,
      maxSeconds: e.LOGIN_LOCKOUT_MAX_SECONDS,
    },
    rateLimit: {
      windowMs: e.RATE_LIMIT_WINDOW_MS,
      apiKeyMax: e.RATE_LIMIT_API_KEY_MAX,
      authIpMax: e.RATE_LIMIT_AUTH_IP_MAX,
    },
    apiKeyCacheTtlMs: e.API_KEY_CACHE_TTL_MS,
    demoAccount: e.DEMO_ACCOUNT ?? e.NODE_ENV !== 'production',
    storage,
    queue: { prefix: e.QUEUE_PREFIX, attempts: e.GENERATION_JOB_ATTEMPTS },
    generations: {
      sweepIntervalMs: e.GENERATION_SWEEP_INTERVAL_MS,
      reconcileAfterMs: e.GENERATION_RECONCILE_AFTER_MS,
      maxWaitSeconds: e.GENERATION_MAX_WAIT_SECONDS,
      signedUrlTtlSeconds: e.SIGNED_URL_TTL_SECONDS,
    },
    webhooks: {
      secret: e.WEBHOOK_SECRET ?? derivedSecret(jwtSecret, 'webhook-signature'),
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      backoffMs: e.WEBHOOK_BACKOFF_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    },
    billing,
  };
}

/** A purpose-bound secret from the JWT secret, so one configured secret does not serve two uses. */
function derivedSecret(root: string, purpose: string): string {
  return createHmac('sha256', root).update(`easel:${purpose}`).digest('base64url');
}

/** Outside production a missing JWT_SECRET is generated once and kept under DATA_DIR, so tokens survive restarts. */
function localJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
