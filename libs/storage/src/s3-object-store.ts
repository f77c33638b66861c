import type { Readable } from 'node:stream';

import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

import { InvalidKeyError } from './errors.js';
import { assertValidKey, assertValidPrefix } from './object-key.js';
import type {
  DownloadUrlOptions,
  ObjectInfo,
  ObjectStore,
  ObjectStream,
  ObjectSummary,
  PutObjectOptions,
  StoredObject,
} from './object-store.js';
import { assertExpiry, validatePutOptions } from './put-options.js';

export interface S3ObjectStoreOptions {
  bucket: string;
  region: string;
  /** For MinIO, R2 and other S3-compatible services, e.g. `http://minio:9000`; omit for AWS. */
  endpoint?: string;
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`): MinIO and most self-hosted servers need it. */
  forcePathStyle?: boolean;
  /** Omit to use the SDK's default chain (env, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * Endpoint that clients reach, when it differs from the one this process uses (compose:
   * `http://minio:9000` inside, `http://localhost:9000` outside). The host is signed, so
   * presigned URLs must be made for the public one.
   */
  publicEndpoint?: string;
  /** Keys per ListObjectsV2/DeleteObjects page (1 to 1000); some S3-compatible services want fewer. */
  pageSize?: number;
  /**
   * Longest wait for a connection and for each request's answer (default 30 s). The SDK sets none: a black-holed
   * store would hold an upload, and the generation waiting on it, forever.
   */
  requestTimeoutMs?: number;
}

/** S3 presigned URLs (SigV4) are valid for at most seven days. */
export const MAX_PRESIGNED_EXPIRY_SECONDS = 7 * 24 * 3600;
const MAX_PAGE_SIZE = 1000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000; // DeleteObjects' maximum per request

function isNoSuchKey(error: unknown): boolean {
  // GetObject says NoSuchKey; HeadObject has no body, so the SDK names its 404 NotFound.
  return error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound');
}

/** Objects in one bucket of AWS S3, MinIO, Cloudflare R2 or any S3-protocol server. */
export class S3ObjectStore implements ObjectStore {
  readonly driver = 's3';
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly presignClient: S3Client;
  private readonly pageSize: number;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const config: S3ClientConfig = {
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: options.credentials,
      // Checksums only where S3 requires them: several S3-compatible servers reject the newer defaults.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        connectionTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        // Without it the handler only logs a warning when the request timeout passes and keeps waiting.
        throwOnRequestTimeout: true,
      },
    };
    this.client = new S3Client(config);
    this.presignClient =
      options.publicEndpoint === undefined
        ? this.client
        : new S3Client({ ...config, endpoint: options.publicEndpoint });
  }

  async put(key: string, bytes: Uint8Array, options: PutObjectOptions): Promise<void> {
    assertValidKey(key);
    const { contentType, metadata } = validatePutOptions(options);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentType: contentType,
        Metadata: metadata,
      }),
    );
  }

  async get(key: string): Promise<StoredObject | null> {
    const found = await this.getObject(key);
    if (found === null) return null;
    const array = (await found.Body?.transformToByteArray()) ?? new Uint8Array(0);
    return {
      bytes: Buffer.from(array.buffer, array.byteOffset, array.byteLength),
      contentType: found.ContentType ?? 'application/octet-stream',
    };
  }

  async getStream(key: string): Promise<ObjectStream | null> {
    const found = await this.getObject(key);
    if (found === null) return null;
    return {
      // In Node the SDK's body is an http.IncomingMessage, i.e. a Readable.
      stream: found.Body as unknown as Readable,
      contentType: found.ContentType ?? 'application/octet-stream',
      size: found.ContentLength ?? 0,
    };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? 'application/octet-stream',
        metadata: out.Metadata ?? {},
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isNoSuchKey(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix);
    if (prefix === '') throw new InvalidKeyError(prefix, 'deletePrefix needs a non-empty prefix');
    let deleted = 0;
    for await (const page of this.pages(prefix)) {
      if (page.length === 0) continue;
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: page.map(({ key }) => ({ Key: key })), Quiet: true },
        }),
      );
      const failed = out.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(
          `S3 refused to delete ${failed.length} object(s) under ${prefix}, e.g. ${first.Key}: ${first.Code} ${first.Message}`,
        );
      }
      deleted += page.length;
    }
    return deleted;
  }

  async list(prefix: string): Promise<ObjectSummary[]> {
    assertValidPrefix(prefix);
    const all: ObjectSummary[] = [];
    for await (const page of this.pages(prefix)) all.push(...page);
    return all.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async downloadUrl(key: string, { expiresInSeconds }: DownloadUrlOptions): Promise<string> {
    assertValidKey(key);
    assertExpiry(expiresInSeconds, MAX_PRESIGNED_EXPIRY_SECONDS);
    return getSignedUrl(this.presignClient, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }

  close(): Promise<void> {
    this.client.destroy();
    if (this.presignClient !== this.client) this.presignClient.destroy();
    return Promise.resolve();
  }

  private async getObject(key: string) {
    assertValidKey(key);
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (isNoSuchKey(error)) return null;
      throw error;
    }
  }

  private async *pages(prefix: string): AsyncGenerator<ObjectSummary[]> {
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: this.pageSize,
          ContinuationToken: token,
        }),
      );
      yield (out.Contents ?? []).map((item) => ({
        key: item.Key ?? '',
        size: item.Size ?? 0,
        lastModified: item.LastModified ?? new Date(0),
      }));
      token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
    } while (token !== undefined);
  }
}
