import { describe, expect, it } from 'vitest';

import { S3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store.js';
import { binaryPayload, describeObjectStoreContract, useShared } from './testing/object-store-contract.js';
import { LOOPBACK_S3_CREDENTIALS, startLoopbackS3 } from './testing/s3rver-server.js';

const s3 = useShared(startLoopbackS3, (server) => server.close());
let bucketCounter = 0;

async function freshStore(options: Partial<S3ObjectStoreOptions> = {}): Promise<S3ObjectStore> {
  const bucket = `easel-test-${process.pid}-${++bucketCounter}`;
  await s3().createBucket(bucket);
  return new S3ObjectStore({
    bucket,
    region: 'us-east-1',
    endpoint: s3().endpoint,
    forcePathStyle: true,
    credentials: LOOPBACK_S3_CREDENTIALS,
    ...options,
  });
}

describeObjectStoreContract('s3 (s3rver on loopback)', async () => {
  const store = await freshStore();
  return { store, fetchUrl: (url) => fetch(url), cleanup: () => store.close() };
});

describe('S3ObjectStore', () => {
  it('presigns a GET for the object with the requested expiry', async () => {
    const store = await freshStore();
    try {
      const bytes = binaryPayload();
      await store.put('generations/g1/0.png', bytes, { contentType: 'image/png' });
      const url = new URL(await store.downloadUrl('generations/g1/0.png', { expiresInSeconds: 900 }));
      expect(url.origin).toBe(s3().endpoint);
      expect(url.pathname).toBe(`/${store.bucket}/generations/g1/0.png`);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
      expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('presigns for the public endpoint when the service reaches S3 by another name', async () => {
    const publicEndpoint = `http://localhost:${s3().port}`;
    const store = await freshStore({ publicEndpoint });
    try {
      await store.put('p/0.png', Buffer.from('public'), { contentType: 'image/png' });
      const url = await store.downloadUrl('p/0.png', { expiresInSeconds: 60 });
      expect(new URL(url).origin).toBe(publicEndpoint);
      expect(await (await fetch(url)).text()).toBe('public');
    } finally {
      await store.close();
    }
  });

  it('lists and deletes a prefix across several pages', async () => {
    const store = await freshStore({ pageSize: 2 });
    try {
      for (let i = 0; i < 5; i++)
        await store.put(`generations/g2/${i}.png`, Buffer.from([i]), { contentType: 'image/png' });
      await store.put('generations/g3/0.png', Buffer.from('keep'), { contentType: 'image/png' });
      expect((await store.list('generations/')).length).toBe(6);
      expect(await store.deletePrefix('generations/g2/')).toBe(5);
      expect((await store.list('generations/')).map((o) => o.key)).toEqual(['generations/g3/0.png']);
    } finally {
      await store.close();
    }
  });

  it('reports a missing bucket as an error, not as a missing object', async () => {
    const store = new S3ObjectStore({
      bucket: 'no-such-bucket',
      region: 'us-east-1',
      endpoint: s3().endpoint,
      forcePathStyle: true,
      credentials: LOOPBACK_S3_CREDENTIALS,
    });
    try {
      await expect(store.get('x.png')).rejects.toMatchObject({ name: 'NoSuchBucket' });
      await expect(store.put('x.png', Buffer.from('x'), { contentType: 'image/png' })).rejects.toMatchObject({
        name: 'NoSuchBucket',
      });
    } finally {
      await store.close();
    }
  });

  it('refuses page sizes S3 cannot serve', () => {
    expect(() => new S3ObjectStore({ bucket: 'b', region: 'r', pageSize: 1001 })).toThrow(RangeError);
  });
});
