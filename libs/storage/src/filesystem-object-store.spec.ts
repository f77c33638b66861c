import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { InvalidKeyError, ObjectStoreConfigError } from './errors.js';
import { FilesystemObjectStore } from './filesystem-object-store.js';
import { binaryPayload, describeObjectStoreContract, useShared } from './testing/object-store-contract.js';
import { startSignedFileServer } from './testing/signed-file-server.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';

let current: FilesystemObjectStore;
const server = useShared(
  () => startSignedFileServer(() => current),
  (s) => s.close(),
);

describeObjectStoreContract('fs', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'easel-fs-store-'));
  current = new FilesystemObjectStore({ root, signingSecret: SECRET });
  return {
    store: current,
    baseUrl: server().baseUrl,
    fetchUrl: (url) => fetch(url),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('FilesystemObjectStore on disk', () => {
  let root: string;
  let store: FilesystemObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'easel-fs-store-'));
    store = new FilesystemObjectStore({ root, signingSecret: SECRET });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('keeps bytes as plain files at their keys, type and metadata beside them, no temp files left', async () => {
    const bytes = binaryPayload();
    await store.put('generations/g1/0.png', bytes, { contentType: 'image/png', metadata: { seed: '9' } });
    expect((await readFile(path.join(root, 'objects/generations/g1/0.png'))).equals(bytes)).toBe(true);
    expect(JSON.parse(await readFile(path.join(root, 'meta/generations/g1/0.png.json'), 'utf8'))).toEqual({
      contentType: 'image/png',
      metadata: { seed: '9' },
    });
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('derives the content type from the extension for files placed by hand', async () => {
    await mkdir(path.join(root, 'objects/imported'), { recursive: true });
    await writeFile(path.join(root, 'objects/imported/a.webp'), 'w');
    await writeFile(path.join(root, 'objects/imported/b'), 'b');
    expect((await store.get('imported/a.webp'))?.contentType).toBe('image/webp');
    expect((await store.head('imported/b'))?.contentType).toBe('application/octet-stream');
  });

  it('removes the folders a deleted prefix leaves empty', async () => {
    await store.put('generations/g1/0.png', Buffer.from('a'), { contentType: 'image/png' });
    await store.put('generations/g2/0.png', Buffer.from('b'), { contentType: 'image/png' });
    await store.deletePrefix('generations/g1/');
    expect(await readdir(path.join(root, 'objects/generations'))).toEqual(['g2']);
    expect(await readdir(path.join(root, 'meta/generations'))).toEqual(['g2']);
    await store.delete('generations/g2/0.png');
    expect(await readdir(path.join(root, 'objects'))).toEqual([]);
  });

  it('never lets a reader see a partly written object', async () => {
    const a = Buffer.alloc(1 << 20, 0xaa);
    const b = Buffer.alloc(1 << 20, 0xbb);
    await store.put('big.bin', a, { contentType: 'application/octet-stream' });
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 6; i++)
        await store.put('big.bin', i % 2 === 0 ? b : a, { contentType: 'application/octet-stream' });
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const got = await store.get('big.bin');
      expect(got!.bytes.equals(a) || got!.bytes.equals(b)).toBe(true);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('refuses a key whose path is taken by a folder of other objects, leaving no metadata behind', async () => {
    await store.put('a/b.png', Buffer.from('x'), { contentType: 'image/png' });
    await expect(store.put('a', Buffer.from('y'), { contentType: 'image/png' })).rejects.toBeInstanceOf(
      InvalidKeyError,
    );
    await expect(
      store.put('a/b.png/c', Buffer.from('y'), { contentType: 'image/png' }),
    ).rejects.toBeInstanceOf(InvalidKeyError);
    expect(await store.head('a')).toBeNull();
    expect((await store.list('')).map((o) => o.key)).toEqual(['a/b.png']);
    expect(await readdir(path.join(root, 'meta'))).toEqual(['a']);
    expect(await readdir(path.join(root, 'meta/a'))).toEqual(['b.png.json']);
  });

  it('signs URLs only with a secret, of at least 32 characters', async () => {
    const unsigned = new FilesystemObjectStore({ root });
    await unsigned.put('x.png', Buffer.from('x'), { contentType: 'image/png' });
    await expect(unsigned.downloadUrl('x.png', { expiresInSeconds: 60 })).rejects.toBeInstanceOf(
      ObjectStoreConfigError,
    );
    await expect(unsigned.serveSignedFile('x.png', {})).rejects.toBeInstanceOf(ObjectStoreConfigError);
    expect(() => new FilesystemObjectStore({ root, signingSecret: 'short' })).toThrow(ObjectStoreConfigError);
  });

  it('builds URLs on the configured public base URL unless the call names another', async () => {
    const withBase = new FilesystemObjectStore({
      root,
      signingSecret: SECRET,
      publicBaseUrl: 'https://api.example.com/',
    });
    expect(await withBase.downloadUrl('g/0.png', { expiresInSeconds: 60 })).toMatch(
      /^https:\/\/api\.example\.com\/files\/g\/0\.png\?expires=\d+&sig=[A-Za-z0-9_-]{43}$/,
    );
    expect(await withBase.downloadUrl('g/0.png', { expiresInSeconds: 60, baseUrl: 'http://h:1' })).toMatch(
      /^http:\/\/h:1\/files\/g\/0\.png\?/,
    );
    expect(await store.downloadUrl('g/0.png', { expiresInSeconds: 60 })).toMatch(/^\/files\/g\/0\.png\?/);
  });
});
