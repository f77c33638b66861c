import type { Readable } from 'node:stream';

export type ObjectMetadata = Record<string, string>;

export interface PutObjectOptions {
  contentType: string;
  /** User metadata: lower-case keys [a-z0-9-], printable ASCII values, 2 KiB in all (S3's limits). */
  metadata?: ObjectMetadata;
}

export interface StoredObject {
  bytes: Buffer;
  contentType: string;
}

export interface ObjectStream {
  stream: Readable;
  contentType: string;
  size: number;
}

export interface ObjectInfo {
  key: string;
  size: number;
  contentType: string;
  metadata: ObjectMetadata;
  lastModified: Date;
}

export interface ObjectSummary {
  key: string;
  size: number;
  lastModified: Date;
}

export interface DownloadUrlOptions {
  expiresInSeconds: number;
  /** Origin (and optional path) the API serves /files/* under; fs driver only, S3 URLs point at S3. */
  baseUrl?: string;
}

/**
 * Where generated images live. Keys follow object-key.ts; every method rejects an invalid key
 * or prefix with InvalidKeyError before touching storage.
 */
export interface ObjectStore {
  readonly driver: 'fs' | 's3';
  /** Replaces any object at `key`; readers never see a partial object. */
  put(key: string, bytes: Uint8Array, options: PutObjectOptions): Promise<void>;
  /** null when there is no object at `key`. */
  get(key: string): Promise<StoredObject | null>;
  /** The caller must consume or destroy the stream: it holds a file handle or an HTTP connection. */
  getStream(key: string): Promise<ObjectStream | null>;
  head(key: string): Promise<ObjectInfo | null>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every object whose key starts with `prefix` (non-empty); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectSummary[]>;
  /** A URL anyone holding it can GET the object with until it expires. */
  downloadUrl(key: string, options: DownloadUrlOptions): Promise<string>;
  /** Releases connections; the store must not be used afterwards. */
  close(): Promise<void>;
}
