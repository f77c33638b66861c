import { ObjectStoreConfigError } from './errors.js';
import { objectStoreConfigSchema, type ObjectStoreConfig } from './storage-config.js';

/** The environment variables behind each config field, shared by the api and the worker. */
export const STORAGE_ENV = {
  driver: 'STORAGE_DRIVER',
  root: 'STORAGE_FS_ROOT',
  signingSecret: 'STORAGE_SIGNING_SECRET',
  publicBaseUrl: 'STORAGE_PUBLIC_BASE_URL',
  bucket: 'STORAGE_S3_BUCKET',
  region: 'STORAGE_S3_REGION',
  endpoint: 'STORAGE_S3_ENDPOINT',
  publicEndpoint: 'STORAGE_S3_PUBLIC_ENDPOINT',
  forcePathStyle: 'STORAGE_S3_FORCE_PATH_STYLE',
  accessKeyId: 'STORAGE_S3_ACCESS_KEY_ID',
  secretAccessKey: 'STORAGE_S3_SECRET_ACCESS_KEY',
  sessionToken: 'STORAGE_S3_SESSION_TOKEN',
  requestTimeoutMs: 'STORAGE_S3_TIMEOUT_MS',
} as const;

export const DEFAULT_FS_ROOT = 'data/storage';

type Env = Readonly<Record<string, string | undefined>>;

function flag(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new ObjectStoreConfigError(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

/**
 * Reads the STORAGE_* variables into a validated config; errors name the variable to fix.
 * Empty strings count as unset. The fs driver (under ./data/storage) is the default.
 */
export function objectStoreConfigFromEnv(env: Env): ObjectStoreConfig {
  const read = (field: keyof typeof STORAGE_ENV): string | undefined => {
    const value = env[STORAGE_ENV[field]];
    return value === undefined || value === '' ? undefined : value;
  };
  const driver = read('driver') ?? 'fs';
  const raw =
    driver === 's3'
      ? {
          driver,
          bucket: read('bucket'),
          region: read('region'),
          endpoint: read('endpoint'),
          publicEndpoint: read('publicEndpoint'),
          forcePathStyle: flag(STORAGE_ENV.forcePathStyle, read('forcePathStyle')),
          accessKeyId: read('accessKeyId'),
          secretAccessKey: read('secretAccessKey'),
          sessionToken: read('sessionToken'),
          requestTimeoutMs: read('requestTimeoutMs'),
        }
      : {
          driver,
          root: read('root') ?? DEFAULT_FS_ROOT,
          signingSecret: read('signingSecret'),
          publicBaseUrl: read('publicBaseUrl'),
        };
  const parsed = objectStoreConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => {
    const field = issue.path[0];
    const name =
      typeof field === 'string' && field in STORAGE_ENV
        ? STORAGE_ENV[field as keyof typeof STORAGE_ENV]
        : 'STORAGE_*';
    return `${name}: ${issue.message}`;
  });
  throw new ObjectStoreConfigError(`Invalid storage configuration: ${details.join('; ')}`);
}
