import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { InvalidKeyError, InvalidObjectOptionsError } from '../errors.js';
import type { ObjectStore } from '../object-store.js';

export interface ContractFixture {
  store: ObjectStore;
  /** GETs a download URL the way a client would (fs: through a signed-URL route; s3: from S3). */
  fetchUrl(url: string): Promise<Response>;
  /** Options the driver needs for downloadUrl (fs: the base URL of the serving route). */
  baseUrl?: string;
  cleanup(): Promise<void>;
}

/** Every byte value, then random bytes: catches text decoding or length mistakes anywhere on the way. */
export function binaryPayload(randomLength = 4096): Buffer {
  return Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(randomLength)]);
}

export const INVALID_KEYS = [
  '',
  '/abs/0.png',
  '../escape.png',
  'generations/../../etc/passwd',
  'generations/./0.png',
  'generations//0.png',
  'generations/',
  'generations\\0.png',
  'generations/a b.png',
  'generations/é.png',
  'generations/%2e%2e/0.png',
  'generations/\u0000.png',
  'x'.repeat(1025),
];

/**
 * The behaviour every ObjectStore driver must share; each driver's spec calls this with a fixture
 * factory. `fresh` runs before each test so tests never see each other's objects.
 */
export function describeObjectStoreContract(driver: string, fresh: () => Promise<ContractFixture>): void {
  describe(`ObjectStore contract: ${driver}`, () => {
    let fixture: ContractFixture;
    let store: ObjectStore;
    const fixtures: ContractFixture[] = [];

    beforeEach(async () => {
      fixture = await fresh();
      fixtures.push(fixture);
      store = fixture.store;
    });
    afterAll(async () => {
      for (const f of fixtures) await f.cleanup();
    });

    it('round-trips binary bytes, content type and metadata', async () => {
      const bytes = binaryPayload();
      await store.put('generations/g1/0.png', bytes, {
        contentType: 'image/png',
        metadata: { seed: '42', 'finish-reason': 'SUCCESS' },
      });

      const got = await store.get('generations/g1/0.png');
      expect(got?.contentType).toBe('image/png');
      expect(Buffer.isBuffer(got?.bytes)).toBe(true);
      expect(got?.bytes.equals(bytes)).toBe(true);

      const head = await store.head('generations/g1/0.png');
      expect(head).toMatchObject({
        key: 'generations/g1/0.png',
        size: bytes.length,
        contentType: 'image/png',
      });
      expect(head?.metadata).toEqual({ seed: '42', 'finish-reason': 'SUCCESS' });
      expect(Math.abs(head!.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('stores exactly the bytes of a view into a larger buffer', async () => {
      const backing = binaryPayload();
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 10, 300);
      await store.put('view.bin', view, { contentType: 'application/octet-stream' });
      expect((await store.get('view.bin'))?.bytes.equals(backing.subarray(10, 310))).toBe(true);
    });

    it('streams an object with its size and content type', async () => {
      const bytes = binaryPayload(200_000);
      await store.put('generations/g1/1.png', bytes, { contentType: 'image/png' });
      const streamed = await store.getStream('generations/g1/1.png');
      expect(streamed).toMatchObject({ contentType: 'image/png', size: bytes.length });
      expect((await buffer(streamed!.stream)).equals(bytes)).toBe(true);
    });

    it('stores empty objects', async () => {
      await store.put('empty.bin', new Uint8Array(0), { contentType: 'application/octet-stream' });
      const got = await store.get('empty.bin');
      expect(got?.bytes.length).toBe(0);
      expect((await store.head('empty.bin'))?.size).toBe(0);
    });

    it('replaces an object on a second put', async () => {
      await store.put('a/b.dat', Buffer.from('first'), { contentType: 'text/plain', metadata: { v: '1' } });
      await store.put('a/b.dat', Buffer.from('second!'), { contentType: 'application/json' });
      const got = await store.get('a/b.dat');
      expect(got?.bytes.toString()).toBe('second!');
      expect(got?.contentType).toBe('application/json');
      expect((await store.head('a/b.dat'))?.metadata).toEqual({});
    });

    it('answers null for a missing key', async () => {
      expect(await store.get('generations/nope/0.png')).toBeNull();
      expect(await store.getStream('generations/nope/0.png')).toBeNull();
      expect(await store.head('generations/nope/0.png')).toBeNull();
      await store.put('generations/g2/0.png', Buffer.from('x'), { contentType: 'image/png' });
      // A prefix of existing keys is not itself an object.
      expect(await store.get('generations/g2')).toBeNull();
      expect(await store.head('generations/g2')).toBeNull();
    });

    it('lists by key prefix, sorted, with sizes', async () => {
      const puts: Array<[string, number]> = [
        ['generations/g10/0.png', 3],
        ['generations/g1/1.png', 2],
        ['generations/g1/0.png', 1],
        ['generations/h/0.png', 4],
        ['other/0.png', 5],
      ];
      for (const [key, size] of puts) await store.put(key, randomBytes(size), { contentType: 'image/png' });

      const g1 = await store.list('generations/g1/');
      expect(g1.map((o) => [o.key, o.size])).toEqual([
        ['generations/g1/0.png', 1],
        ['generations/g1/1.png', 2],
      ]);
      expect(g1[0].lastModified).toBeInstanceOf(Date);
      // A prefix is a string prefix, as in S3, not a folder.
      expect((await store.list('generations/g1')).map((o) => o.key)).toEqual([
        'generations/g1/0.png',
        'generations/g1/1.png',
        'generations/g10/0.png',
      ]);
      expect(await store.list('generations/none/')).toEqual([]);
      expect((await store.list('')).map((o) => o.key)).toEqual([
        'generations/g1/0.png',
        'generations/g1/1.png',
        'generations/g10/0.png',
        'generations/h/0.png',
        'other/0.png',
      ]);
    });

    it('deletes one object, idempotently', async () => {
      await store.put('generations/g3/0.png', Buffer.from('x'), { contentType: 'image/png' });
      await store.put('generations/g3/1.png', Buffer.from('y'), { contentType: 'image/png' });
      await store.delete('generations/g3/0.png');
      await store.delete('generations/g3/0.png');
      await store.delete('never/existed.png');
      expect(await store.get('generations/g3/0.png')).toBeNull();
      expect((await store.get('generations/g3/1.png'))?.bytes.toString()).toBe('y');
    });

    it("deletes a generation's prefix and nothing else", async () => {
      for (let i = 0; i < 5; i++)
        await store.put(`generations/g4/${i}.png`, Buffer.from([i]), { contentType: 'image/png' });
      await store.put('generations/g40/0.png', Buffer.from('keep'), { contentType: 'image/png' });

      expect(await store.deletePrefix('generations/g4/')).toBe(5);
      expect(await store.list('generations/g4/')).toEqual([]);
      expect(await store.get('generations/g4/0.png')).toBeNull();
      expect((await store.get('generations/g40/0.png'))?.bytes.toString()).toBe('keep');
      expect(await store.deletePrefix('generations/g4/')).toBe(0);
      // The folder of a deleted generation can take new objects again.
      await store.put('generations/g4/0.png', Buffer.from('again'), { contentType: 'image/png' });
      expect((await store.get('generations/g4/0.png'))?.bytes.toString()).toBe('again');
    });

    it('rejects invalid keys and prefixes with InvalidKeyError before touching storage', async () => {
      const opts = { contentType: 'image/png' };
      for (const key of INVALID_KEYS) {
        await expect(store.put(key, Buffer.from('x'), opts), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.get(key), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.getStream(key), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.head(key), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.delete(key), key).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.downloadUrl(key, { expiresInSeconds: 60 }), key).rejects.toThrow(InvalidKeyError);
      }
      for (const prefix of ['/generations/', '../', 'generations/../x', 'a b/', 'a//']) {
        await expect(store.list(prefix), prefix).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.deletePrefix(prefix), prefix).rejects.toBeInstanceOf(InvalidKeyError);
      }
      // Deleting "everything" is never what a caller meant.
      await expect(store.deletePrefix('')).rejects.toBeInstanceOf(InvalidKeyError);
      expect(await store.list('')).toEqual([]);
    });

    it('rejects content types and metadata that both drivers cannot store alike', async () => {
      const put = (contentType: string, metadata?: Record<string, string>) =>
        store.put('k.bin', Buffer.from('x'), { contentType, metadata });
      await expect(put('png')).rejects.toBeInstanceOf(InvalidObjectOptionsError);
      await expect(put('image/png\r\nX-Evil: 1')).rejects.toBeInstanceOf(InvalidObjectOptionsError);
      await expect(put('image/png', { Seed: '1' })).rejects.toBeInstanceOf(InvalidObjectOptionsError);
      await expect(put('image/png', { seed: 'é' })).rejects.toBeInstanceOf(InvalidObjectOptionsError);
      await expect(put('image/png', { big: 'x'.repeat(3000) })).rejects.toBeInstanceOf(
        InvalidObjectOptionsError,
      );
      expect(await store.head('k.bin')).toBeNull();
      await put('text/plain; charset=utf-8', { seed: '7' });
      expect((await store.get('k.bin'))?.contentType).toBe('text/plain; charset=utf-8');
    });

    it('gives a download URL that a plain HTTP client can GET', async () => {
      const bytes = binaryPayload();
      await store.put('generations/g5/0.png', bytes, { contentType: 'image/png' });
      const url = await store.downloadUrl('generations/g5/0.png', {
        expiresInSeconds: 300,
        baseUrl: fixture.baseUrl,
      });
      const response = await fixture.fetchUrl(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
      await expect(store.downloadUrl('generations/g5/0.png', { expiresInSeconds: 0 })).rejects.toThrow(
        RangeError,
      );
      await expect(
        store.downloadUrl('generations/g5/0.png', { expiresInSeconds: 8 * 86400 }),
      ).rejects.toThrow(RangeError);
    });
  });
}

/** Runs `start` once for a whole spec file and `stop` after it, for servers shared by fixtures. */
export function useShared<T>(start: () => Promise<T>, stop: (value: T) => Promise<void>): () => T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await start();
  });
  afterAll(async () => {
    if (value !== undefined) await stop(value);
  });
  return () => {
    if (value === undefined) throw new Error('shared fixture used before beforeAll ran');
    return value;
  };
}
