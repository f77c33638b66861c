import { describe, expect, it } from 'vitest';

import { ObjectStoreConfigError } from './errors.js';
import { FilesystemObjectStore } from './filesystem-object-store.js';
import { S3ObjectStore } from './s3-object-store.js';
import { createObjectStore, objectStoreConfigSchema } from './storage-config.js';
import { objectStoreConfigFromEnv } from './storage-env.js';

const SECRET = 'x'.repeat(32);

describe('createObjectStore', () => {
  it('builds the driver the config names', async () => {
    const fs = createObjectStore({ driver: 'fs', root: '/tmp/easel-never-written', signingSecret: SECRET });
    expect(fs).toBeInstanceOf(FilesystemObjectStore);
    const s3 = createObjectStore({
      driver: 's3',
      bucket: 'easel-images',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
    });
    expect(s3).toBeInstanceOf(S3ObjectStore);
    await s3.close();
  });

  it('fills S3 defaults and rejects bad configs with the field at fault', () => {
    expect(objectStoreConfigSchema.parse({ driver: 's3', bucket: 'easel-images' })).toEqual({
      driver: 's3',
      bucket: 'easel-images',
      region: 'us-east-1',
      forcePathStyle: false,
      requestTimeoutMs: 30_000,
    });
    expect(() => createObjectStore({ driver: 's3', bucket: 'Bad_Bucket' })).toThrow(
      /bucket: not a valid S3 bucket name/,
    );
    expect(() => createObjectStore({ driver: 's3', bucket: 'ok-bucket', accessKeyId: 'AK' })).toThrow(
      /secretAccessKey: give both/,
    );
    expect(() => createObjectStore({ driver: 's3', bucket: 'ok-bucket', endpoint: 'ftp://x' })).toThrow(
      ObjectStoreConfigError,
    );
    expect(() => createObjectStore({ driver: 'fs', root: 'data', signingSecret: 'short' })).toThrow(
      /signingSecret/,
    );
    expect(() => createObjectStore({ driver: 'gcs' } as never)).toThrow(ObjectStoreConfigError);
  });
});

describe('objectStoreConfigFromEnv', () => {
  it('defaults to the filesystem driver under data/storage', () => {
    expect(objectStoreConfigFromEnv({})).toEqual({ driver: 'fs', root: 'data/storage' });
    expect(
      objectStoreConfigFromEnv({
        STORAGE_FS_ROOT: '/var/easel',
        STORAGE_SIGNING_SECRET: SECRET,
        STORAGE_PUBLIC_BASE_URL: '',
      }),
    ).toEqual({
      driver: 'fs',
      root: '/var/easel',
      signingSecret: SECRET,
    });
  });

  it('reads the S3 variables', () => {
    expect(
      objectStoreConfigFromEnv({
        STORAGE_DRIVER: 's3',
        STORAGE_S3_BUCKET: 'easel-images',
        STORAGE_S3_REGION: 'auto',
        STORAGE_S3_ENDPOINT: 'http://minio:9000',
        STORAGE_S3_PUBLIC_ENDPOINT: 'http://localhost:9000',
        STORAGE_S3_FORCE_PATH_STYLE: 'true',
        STORAGE_S3_ACCESS_KEY_ID: 'minio',
        STORAGE_S3_SECRET_ACCESS_KEY: 'minio-secret',
        STORAGE_S3_TIMEOUT_MS: '5000',
      }),
    ).toEqual({
      driver: 's3',
      bucket: 'easel-images',
      region: 'auto',
      endpoint: 'http://minio:9000',
      publicEndpoint: 'http://localhost:9000',
      forcePathStyle: true,
      accessKeyId: 'minio',
      secretAccessKey: 'minio-secret',
      requestTimeoutMs: 5000,
    });
  });

  it('names the variable to fix', () => {
    expect(() => objectStoreConfigFromEnv({ STORAGE_DRIVER: 's3' })).toThrow(/STORAGE_S3_BUCKET/);
    expect(() => objectStoreConfigFromEnv({ STORAGE_DRIVER: 'gcs' })).toThrow(/STORAGE_DRIVER/);
    expect(() => objectStoreConfigFromEnv({ STORAGE_SIGNING_SECRET: 'short' })).toThrow(
      /STORAGE_SIGNING_SECRET/,
    );
    expect(() =>
      objectStoreConfigFromEnv({
        STORAGE_DRIVER: 's3',
        STORAGE_S3_BUCKET: 'b-b',
        STORAGE_S3_FORCE_PATH_STYLE: 'maybe',
      }),
    ).toThrow(/STORAGE_S3_FORCE_PATH_STYLE/);
  });
});
