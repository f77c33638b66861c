/**
 * The worker's configuration, parsed once from the environment at start. Nothing else reads process.env.
 * A bad variable fails the start with a message that names it. The worker has no database settings on purpose.
 */
import { hostname } from 'node:os';
import { parseProviderOptions, type ProviderOptions } from '@easel/diffusion';
import { objectStoreConfigFromEnv, type ObjectStoreConfig } from '@easel/storage';
import { z } from 'zod';

const ENGINE_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const int = (min: number) => z.coerce.number().int().min(min);
const flagValues = ['1', '0', 'true', 'false', 'yes', 'no'] as const;
const isTrue = (v: string): boolean => v === '1' || v === 'true' || v === 'yes';
const flag = z.enum(flagValues, { message: 'must be true or false' }).transform(isTrue);

/** `{"sd15":"/models/sd15"}` or `sd15=/models/sd15,tiny=/models/tiny`. */
const engines = z
  .string({ error: 'is required: id=modelDir[,id2=dir2] or a JSON object' })
  .min(1, 'give at least one engine: id=modelDir[,id2=dir2] or a JSON object')
  .transform((value, ctx) => {
    let entries: Array<[string, unknown]>;
    if (value.trim().startsWith('{')) {
      try {
        entries = Object.entries(JSON.parse(value) as Record<string, unknown>);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    } else {
      entries = value.split(',').map((pair) => {
        const at = pair.indexOf('=');
        return at < 0 ? [pair.trim(), undefined] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      });
    }
    const out: Record<string, string> = {};
    for (const [id, dir] of entries) {
      if (!ENGINE_ID.test(id))
        ctx.addIssue({ code: 'custom', message: `engine id ${JSON.stringify(id)} is invalid` });
      else if (typeof dir !== 'string' || dir === '')
        ctx.addIssue({ code: 'custom', message: `engine ${id} has no model folder` });
      else out[id] = dir;
    }
    return Object.keys(out).length > 0 ? out : z.NEVER;
  });

/** Environment variable → schema of its value. Keys are the variable names, so errors name them. */
const EnvSchema = z.object({
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  WORKER_ENGINES: engines,
  EXECUTION_PROVIDERS: z
    .string()
    .default('cpu')
    .transform((v) => v.split(',').map((p) => p.trim()))
    .pipe(z.array(z.string().regex(/^[a-z]+(:\d+)?$/, 'providers like cpu, webgpu, cuda, cuda:1')).min(1)),
  /** `webgpu.preferredLayout=NCHW,cpu.useArena=false`: options passed to ONNX Runtime with each provider. */
  EXECUTION_PROVIDER_OPTIONS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parseProviderOptions(value.split(','));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  FALLBACK_TO_CPU: flag.default(false),
  INTRA_OP_THREADS: int(1).optional(),
  INTER_OP_THREADS: int(1).optional(),
  WORKER_CONCURRENCY: int(1).max(64).default(1),
  /** Up to this many compatible text-to-image jobs run as one UNet batch (bench/worker-batch.ts measures it). */
  WORKER_BATCH: int(1).max(16).default(1),
  /** With WORKER_BATCH > 1: how long a batch waits for more compatible jobs before it starts. */
  WORKER_BATCH_WAIT_MS: int(0).max(1000).default(10),
  WORKER_ID: z
    .string()
    .regex(/^[\w.@-]{1,128}$/)
    .default(`${hostname()}-${process.pid}`),
  HEALTH_HOST: z.string().default('0.0.0.0'),
  /** 0 picks a free port (logged); tests use it. */
  HEALTH_PORT: int(0).max(65535).default(9464),
  SHUTDOWN_TIMEOUT_MS: int(0).default(30_000),
  /**
   * Before taking jobs, one guided step per engine: `full` at the native size (first-run allocations, CUDA's
   * kernel choice for that shape), `light` at the smallest size (touches every weight and kernel at a fraction of
   * the cost; all a CPU worker gains), `off`. true/false mean full/off. Default: light on CPU alone, else full.
   */
  WORKER_WARMUP: z
    .enum(['full', 'light', 'off', ...flagValues], { message: 'must be full, light or off' })
    .transform((v) => (v === 'full' || v === 'light' || v === 'off' ? v : isTrue(v) ? 'full' : 'off'))
    .optional(),
  /** ONNX Runtime's optimized-model cache folder (see libs/diffusion runtime); unset: every start optimizes. */
  WORKER_ORT_CACHE_DIR: z.string().min(1).optional(),
  /** ORT graph optimization level; `all` adds CPU layout rewrites that cost most of a CPU cold start. */
  WORKER_GRAPH_OPTIMIZATION: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  /** ORT's CPU memory arena and memory-pattern planning (ORT's defaults: on). */
  WORKER_CPU_MEM_ARENA: flag.optional(),
  WORKER_MEM_PATTERN: flag.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** pretty (needs the pino-pretty devDependency) or json; default pretty only when NODE_ENV=development. */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** With it, /metrics on the health port wants `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A job's lock lives this long and is renewed at half of it; a SIGKILLed worker's job is free after it. */
  WORKER_LOCK_DURATION_MS: int(1000).default(30_000),
  /** How often this worker looks for jobs whose lock expired (stalled) and puts them back in the queue. */
  WORKER_STALLED_INTERVAL_MS: int(500).default(15_000),
  /** Stalls a job survives before it fails (each one is a worker that died holding it). */
  WORKER_MAX_STALLED_COUNT: int(0).default(2),
  /** Engine registry heartbeat; an entry expires after REGISTRY_TTL_MS without one. */
  REGISTRY_HEARTBEAT_MS: int(100).default(10_000),
  REGISTRY_TTL_MS: int(300).default(30_000),
  /** BullMQ key prefix; must match the API's. */
  QUEUE_PREFIX: z.string().min(1).default('bull'),
});

/** Every variable the worker reads (its storage ones are STORAGE_ENV's); deployment checks use it. */
export const WORKER_ENV_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export interface WorkerConfig {
  redisUrl: string;
  /** Engine id → model folder. */
  engines: Record<string, string>;
  executionProviders: string[];
  providerOptions: ProviderOptions;
  fallbackToCpu: boolean;
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  concurrency: number;
  batch: number;
  batchWaitMs: number;
  workerId: string;
  health: { host: string; port: number };
  shutdownTimeoutMs: number;
  logLevel: string;
  logFormat: 'pretty' | 'json';
  metricsToken: string | undefined;
  warmup: 'full' | 'light' | 'off';
  /** ONNX Runtime session settings for every engine's sessions. */
  session: {
    optimizedModelCacheDir?: string;
    graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
    cpuMemArena?: boolean;
    memPattern?: boolean;
  };
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  registryHeartbeatMs: number;
  registryTtlMs: number;
  queuePrefix: string;
  storage: ObjectStoreConfig;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env): WorkerConfig {
  // Empty variables count as unset, as in docker-compose files that list every variable.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${String(i.path[0] ?? 'environment')}: ${i.message}`);
    throw new ConfigError(`Invalid worker configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  if (e.REGISTRY_TTL_MS <= e.REGISTRY_HEARTBEAT_MS)
    throw new ConfigError(
      'Invalid worker configuration: REGISTRY_TTL_MS must be greater than REGISTRY_HEARTBEAT_MS',
    );
  let storage: ObjectStoreConfig;
  try {
    storage = objectStoreConfigFromEnv(env);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  return {
    redisUrl: e.REDIS_URL,
    engines: e.WORKER_ENGINES,
    executionProviders: e.EXECUTION_PROVIDERS,
    providerOptions: e.EXECUTION_PROVIDER_OPTIONS,
    fallbackToCpu: e.FALLBACK_TO_CPU,
    intraOpNumThreads: e.INTRA_OP_THREADS,
    interOpNumThreads: e.INTER_OP_THREADS,
    concurrency: e.WORKER_CONCURRENCY,
    batch: e.WORKER_BATCH,
    batchWaitMs: e.WORKER_BATCH_WAIT_MS,
    workerId: e.WORKER_ID,
    health: { host: e.HEALTH_HOST, port: e.HEALTH_PORT },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' ? 'pretty' : 'json'),
    metricsToken: e.METRICS_TOKEN,
    // On CPU a native-size warm-up buys nothing a light one does not (npm run bench:coldstart).
    warmup: e.WORKER_WARMUP ?? (e.EXECUTION_PROVIDERS.every((p) => p === 'cpu') ? 'light' : 'full'),
    session: {
      optimizedModelCacheDir: e.WORKER_ORT_CACHE_DIR,
      graphOptimizationLevel: e.WORKER_GRAPH_OPTIMIZATION,
      cpuMemArena: e.WORKER_CPU_MEM_ARENA,
      memPattern: e.WORKER_MEM_PATTERN,
    },
    lockDurationMs: e.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: e.WORKER_MAX_STALLED_COUNT,
    registryHeartbeatMs: e.REGISTRY_HEARTBEAT_MS,
    registryTtlMs: e.REGISTRY_TTL_MS,
    queuePrefix: e.QUEUE_PREFIX,
    storage,
  };
}
