import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
const positiveInt = z.coerce.number().int().positive();

/** Every environment variable the API reads. `.env.example` documents the same list. */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** HTTP worker processes (node:cluster) sharing the port; 1 = no cluster. */
  API_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgresql://postgres@127.0.0.1:5432/easel'),
  DB_AUTO_MIGRATE: bool.default(true),
  /** Named prepared statements; set false behind a pooler that cannot keep them (PgBouncer < 1.21 in transaction mode). */
  DB_PREPARED_STATEMENTS: bool.default(true),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('easel:'),
  DATA_DIR: z.string().min(1).default('./data'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: positiveInt.max(86_400).default(900),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: positiveInt.default(131_072),
  TRUST_PROXY: bool.default(false),
  /** The built dashboard (apps/web/dist by default), served at `/`. */
  WEB_DIST_DIR: z.string().optional(),
  /** How long a dashboard session lasts without use (each use renews it). */
  SESSION_TTL_SECONDS: positiveInt.default(7 * 24 * 3600),
  /** On shutdown, connections still open this long after draining began are closed: past the longest `Prefer: wait`. */
  SHUTDOWN_DRAIN_MS: positiveInt.default(65_000),
  RATE_LIMIT_WINDOW_MS: positiveInt.default(60_000),
  RATE_LIMIT_API_KEY_MAX: positiveInt.default(600),
  RATE_LIMIT_AUTH_IP_MAX: positiveInt.default(20),
  API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
  DEMO_ACCOUNT: bool.optional(),
  /** BullMQ key prefix; must match the workers' QUEUE_PREFIX. */
  QUEUE_PREFIX: z.string().min(1).max(100).default('bull'),
  /** Attempts per generation job (a crashed or failing worker's job is retried up to this many times). */
  GENERATION_JOB_ATTEMPTS: positiveInt.max(10).default(3),
  /** How often the finalizer sweeps unfinished generations (missed events, jobs never enqueued). */
  GENERATION_SWEEP_INTERVAL_MS: positiveInt.default(5_000),
  /**
   * The sweep looks at unfinished generations older than this: a queued one without a job is enqueued again (or
   * refunded when it cannot be), one whose job finished (a missed event) is settled.
   */
  GENERATION_RECONCILE_AFTER_MS: positiveInt.default(30_000),
  /** Longest `Prefer: wait=N` honoured, in seconds. */
  GENERATION_MAX_WAIT_SECONDS: positiveInt.max(600).default(60),
  /** Lifetime of signed download URLs. */
  SIGNED_URL_TTL_SECONDS: positiveInt.max(7 * 24 * 3600).default(3600),
  /** HMAC-SHA256 key of the Easel-Signature webhook header; derived from JWT_SECRET when unset. */
  WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  WEBHOOK_MAX_ATTEMPTS: positiveInt.max(30).default(8),
  WEBHOOK_BACKOFF_MS: positiveInt.default(1_000),
  WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
  /** Allow webhooks to loopback, private and reserved addresses (tests, local development). */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.default(false),
  /** Stripe secret key; with STRIPE_WEBHOOK_SECRET it enables billing (without both: 503 billing_not_configured). */
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\S+$/, 'must be a Stripe secret key (sk_test_…, sk_live_…, rk_…)')
    .optional(),
  /** Signing secret of the webhook endpoint (whsec_…): from the Dashboard or `stripe listen`. */
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\S+$/, 'must be a webhook signing secret (whsec_…)')
    .optional(),
  /** Where the Stripe SDK sends API calls instead of api.stripe.com (a local Stripe stand-in for tests). */
  STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).optional(),
  /** Credit packs as JSON, or a JSON file (not both); default 1,000 credits $10, 5,000 $45, 25,000 $200. */
  BILLING_PACKS: z.string().optional(),
  BILLING_PACKS_FILE: z.string().optional(),
  /** The dashboard's public address: Checkout returns the browser to PUBLIC_URL/credits. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  /** pretty (a person reads it; needs the pino-pretty devDependency) or json; default pretty in development only. */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  /** Prometheus metrics on their own port (never on the public one); METRICS_TOKEN adds a bearer token. */
  METRICS_ENABLED: bool.default(true),
  METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Bodies of routes that take images (generations, Stability image routes); BODY_LIMIT_BYTES is everything else. */
  IMAGE_BODY_LIMIT_BYTES: positiveInt.default(25 * 1_048_576),
  /** Login lockout per account: after THRESHOLD failures in a row, BASE seconds, doubling per failure up to MAX. */
  LOGIN_LOCKOUT_THRESHOLD: positiveInt.max(100).default(5),
  LOGIN_LOCKOUT_BASE_SECONDS: positiveInt.default(30),
  LOGIN_LOCKOUT_MAX_SECONDS: positiveInt.default(900),
});
export type Env = z.infer<typeof EnvSchema>;
