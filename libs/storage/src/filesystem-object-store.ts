import { open, readFile, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

import { pruneEmptyDirs, writeFilesAtomic } from './atomic-file.js';
import { contentTypeFromKey } from './content-type.js';
import { InvalidKeyError, ObjectStoreConfigError } from './errors.js';
import { errorCode, isMissing, orNullIfMissing } from './fs-errors.js';
import { assertValidKey, assertValidPrefix } from './object-key.js';
import type {
  DownloadUrlOptions,
  ObjectInfo,
  ObjectMetadata,
  ObjectStore,
  ObjectStream,
  ObjectSummary,
  PutObjectOptions,
  StoredObject,
} from './object-store.js';
import { assertExpiry, validatePutOptions } from './put-options.js';
import { serveSignedFile, type ServeSignedFileResult } from './serve-signed-file.js';
import { assertSigningSecret, signObjectUrl, type SignedUrlQuery } from './signed-url.js';

export interface FilesystemObjectStoreOptions {
  /** Folder holding `objects/` (the bytes, at their keys), `meta/` (content type + metadata) and `tmp/`. */
  root: string;
  /** HMAC secret for download URLs; only the process that signs or serves them needs it. */
  signingSecret?: string;
  /** Default base URL for download URLs, e.g. `https://api.example.com`. */
  publicBaseUrl?: string;
}

interface Sidecar {
  contentType: string;
  metadata: ObjectMetadata;
}

/** Same ceiling as S3 presigned URLs, so callers behave the same on both drivers. */
export const MAX_URL_EXPIRY_SECONDS = 7 * 24 * 3600;

/**
 * Objects as plain files under `<root>/objects/<key>`, so they can be inspected and backed up
 * with ordinary tools. Content type and metadata live in `<root>/meta/<key>.json`, written
 * before the object; a file without one gets a type from its extension.
 */
export class FilesystemObjectStore implements ObjectStore {
  readonly driver = 'fs';
  readonly root: string;
  private readonly objectsDir: string;
  private readonly metaDir: string;
  private readonly tmpDir: string;
  private readonly signingSecret: string | undefined;
  private readonly publicBaseUrl: string | undefined;

  constructor(options: FilesystemObjectStoreOptions) {
    if (options.signingSecret !== undefined) assertSigningSecret(options.signingSecret);
    this.root = path.resolve(options.root);
    this.objectsDir = path.join(this.root, 'objects');
    this.metaDir = path.join(this.root, 'meta');
    this.tmpDir = path.join(this.root, 'tmp');
    this.signingSecret = options.signingSecret;
    this.publicBaseUrl = options.publicBaseUrl;
  }

  async put(key: string, bytes: Uint8Array, options: PutObjectOptions): Promise<void> {
    assertValidKey(key);
    const sidecar: Sidecar = validatePutOptions(options);
    try {
      await writeFilesAtomic(
        [
          // Not fsynced: a lost or damaged sidecar only falls back to the type the extension gives (readSidecar).
          { target: this.metaPath(key), bytes: Buffer.from(JSON.stringify(sidecar)), sync: false },
          { target: this.objectPath(key), bytes },
        ],
        this.tmpDir,
      );
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST') {
        // No object can exist at this key, so the metadata just written is an orphan.
        await this.unlinkIfExists(this.metaPath(key));
        await pruneEmptyDirs(path.dirname(this.metaPath(key)), this.metaDir);
        throw new InvalidKeyError(key, 'an object cannot share its path with a folder of other objects here');
      }
      throw error;
    }
  }

  async get(key: string): Promise<StoredObject | null> {
    assertValidKey(key);
    const bytes = await orNullIfMissing(() => readFile(this.objectPath(key)));
    if (bytes === null) return null;
    const { contentType } = await this.readSidecar(key);
    return { bytes, contentType };
  }

  async getStream(key: string): Promise<ObjectStream | null> {
    assertValidKey(key);
    // Open first, then stat the handle: the stream is of the file we measured, even if replaced meanwhile.
    const handle = await orNullIfMissing(() => open(this.objectPath(key), 'r'));
    if (handle === null) return null;
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      return null;
    }
    const { contentType } = await this.readSidecar(key);
    return { stream: handle.createReadStream(), contentType, size: info.size };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    const info = await orNullIfMissing(() => stat(this.objectPath(key)));
    if (info === null || !info.isFile()) return null;
    const sidecar = await this.readSidecar(key);
    return { key, size: info.size, lastModified: info.mtime, ...sidecar };
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.unlinkIfExists(this.objectPath(key));
    await this.unlinkIfExists(this.metaPath(key));
    await pruneEmptyDirs(path.dirname(this.objectPath(key)), this.objectsDir);
    await pruneEmptyDirs(path.dirname(this.metaPath(key)), this.metaDir);
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertValidPrefix(prefix);
    if (prefix === '') throw new InvalidKeyError(prefix, 'deletePrefix needs a non-empty prefix');
    const objects = await this.list(prefix);
    for (const { key } of objects) await this.delete(key);
    return objects.length;
  }

  async list(prefix: string): Promise<ObjectSummary[]> {
    assertValidPrefix(prefix);
    // Only the folder named by the prefix up to its last '/' can hold matches.
    const baseDir = path.join(this.objectsDir, prefix.slice(0, prefix.lastIndexOf('/') + 1));
    const entries = await orNullIfMissing(() => readdir(baseDir, { recursive: true, withFileTypes: true }));
    const summaries: ObjectSummary[] = [];
    for (const entry of entries ?? []) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const key = path.relative(this.objectsDir, file).split(path.sep).join('/');
      if (!key.startsWith(prefix)) continue;
      const info = await orNullIfMissing(() => stat(file)); // may be deleted while we list
      if (info !== null) summaries.push({ key, size: info.size, lastModified: info.mtime });
    }
    return summaries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  downloadUrl(key: string, options: DownloadUrlOptions): Promise<string> {
    // The executor turns a validation throw into a rejection, as an async method would.
    return new Promise((resolve) => resolve(this.signedUrl(key, options)));
  }

  /** The API's `GET /files/<key>?expires=…&sig=…` handler body; see serveSignedFile. */
  async serveSignedFile(key: string, query: SignedUrlQuery, nowMs?: number): Promise<ServeSignedFileResult> {
    return await serveSignedFile({ store: this, secret: this.requireSecret(), key, query, nowMs });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private signedUrl(key: string, { expiresInSeconds, baseUrl }: DownloadUrlOptions): string {
    assertValidKey(key);
    assertExpiry(expiresInSeconds, MAX_URL_EXPIRY_SECONDS);
    const expiresAtUnix = Math.floor(Date.now() / 1000) + expiresInSeconds;
    return signObjectUrl({
      key,
      expiresAtUnix,
      secret: this.requireSecret(),
      baseUrl: baseUrl ?? this.publicBaseUrl ?? '',
    });
  }

  private objectPath(key: string): string {
    return path.join(this.objectsDir, ...key.split('/'));
  }

  private metaPath(key: string): string {
    return path.join(this.metaDir, ...key.split('/')) + '.json';
  }

  private async readSidecar(key: string): Promise<Sidecar> {
    const text = await orNullIfMissing(() => readFile(this.metaPath(key), 'utf8'));
    if (text !== null) {
      try {
        const parsed = JSON.parse(text) as Partial<Sidecar>;
        if (typeof parsed.contentType === 'string')
          return { contentType: parsed.contentType, metadata: parsed.metadata ?? {} };
      } catch {
        // A damaged metadata file must not make the object unreadable: fall back below.
      }
    }
    return { contentType: contentTypeFromKey(key), metadata: {} };
  }

  private async unlinkIfExists(file: string): Promise<void> {
    try {
      await unlink(file);
    } catch (error) {
      if (!isMissing(error) && errorCode(error) !== 'EPERM') throw error;
    }
  }

  private requireSecret(): string {
    if (this.signingSecret === undefined) {
      throw new ObjectStoreConfigError(
        'This filesystem object store has no signing secret, so it cannot sign or serve URLs',
      );
    }
    return this.signingSecret;
  }
}
