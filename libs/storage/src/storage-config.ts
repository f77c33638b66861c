import { z } from 'zod';

import { ObjectStoreConfigError } from './errors.js';
import { FilesystemObjectStore } from './filesystem-object-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-object-store.js';
import { MIN_SIGNING_SECRET_LENGTH } from './signed-url.js';

const httpUrl = z.url({ protocol: /^https?$/ });

export const filesystemStoreConfigSchema = z.object({
  driver: z.literal('fs'),
  root: z.string().min(1),
  signingSecret: z.string().min(MIN_SIGNING_SECRET_LENGTH).optional(),
  publicBaseUrl: httpUrl.optional(),
});

export const s3StoreConfigSchema = z
  .object({
    driver: z.literal('s3'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'not a valid S3 bucket name'),
    region: z.string().min(1).default('us-east-1'),
    endpoint: httpUrl.optional(),
    publicEndpoint: httpUrl.optional(),
    forcePathStyle: z.boolean().default(false),
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    sessionToken: z.string().min(1).optional(),
    /** Longest wait for a connection and for each request's answer: a silent store fails an upload, not hangs it. */
    requestTimeoutMs: z.coerce.number().int().positive().default(30_000),
  })
  .refine((c) => (c.accessKeyId === undefined) === (c.secretAccessKey === undefined), {
    message: 'give both accessKeyId and secretAccessKey, or neither to use the default credential chain',
    path: ['secretAccessKey'],
  });

/** What apps parse their environment into; `createObjectStore` takes its input form. */
export const objectStoreConfigSchema = z.discriminatedUnion('driver', [
  filesystemStoreConfigSchema,
  s3StoreConfigSchema,
]);
export type ObjectStoreConfig = z.output<typeof objectStoreConfigSchema>;
export type ObjectStoreConfigInput = z.input<typeof objectStoreConfigSchema>;

export function createObjectStore(input: ObjectStoreConfigInput): ObjectStore {
  const parsed = objectStoreConfigSchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'config'}: ${i.message}`)
      .join('; ');
    throw new ObjectStoreConfigError(`Invalid object store config: ${details}`);
  }
  const config = parsed.data;
  switch (config.driver) {
    case 'fs':
      return new FilesystemObjectStore(config);
    case 's3':
      return new S3ObjectStore({
        bucket: config.bucket,
        region: config.region,
        endpoint: config.endpoint,
        publicEndpoint: config.publicEndpoint,
        forcePathStyle: config.forcePathStyle,
        requestTimeoutMs: config.requestTimeoutMs,
        credentials:
          config.accessKeyId !== undefined && config.secretAccessKey !== undefined
            ? {
                accessKeyId: config.accessKeyId,
                secretAccessKey: config.secretAccessKey,
                sessionToken: config.sessionToken,
              }
            : undefined,
      });
  }
}
