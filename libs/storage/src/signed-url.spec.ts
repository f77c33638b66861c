import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ObjectStoreConfigError } from './errors.js';
import { FilesystemObjectStore } from './filesystem-object-store.js';
import { serveSignedFile } from './serve-signed-file.js';
import { signObjectUrl, verifyObjectUrl } from './signed-url.js';
import { binaryPayload } from './testing/object-store-contract.js';
import { startSignedFileServer, type SignedFileServer } from './testing/signed-file-server.js';

const SECRET = 'signed-url-spec-secret-0123456789abcdef';
const KEY = 'generations/0b5c6f1e/0.png';
const NOW = Date.UTC(2026, 0, 1);
const IN_AN_HOUR = NOW / 1000 + 3600;

/** The query of a URL made by signObjectUrl, as a framework would parse it. */
function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url, 'http://x').searchParams);
}

function flipLastChar(text: string): string {
  const last = text.at(-1) === 'A' ? 'B' : 'A';
  return text.slice(0, -1) + last;
}

describe('signObjectUrl / verifyObjectUrl', () => {
  const url = signObjectUrl({
    key: KEY,
    expiresAtUnix: IN_AN_HOUR,
    secret: SECRET,
    baseUrl: 'https://api.example.com/',
  });
  const query = queryOf(url);

  it('makes <baseUrl>/files/<key>?expires=<unix>&sig=<base64url hmac>', () => {
    expect(url).toBe(`https://api.example.com/files/${KEY}?expires=${IN_AN_HOUR}&sig=${query.sig}`);
    expect(query.sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts the URL it made until it expires', () => {
    expect(verifyObjectUrl(KEY, query, SECRET, NOW)).toEqual({ ok: true, expiresAtUnix: IN_AN_HOUR });
    expect(verifyObjectUrl(KEY, query, SECRET, IN_AN_HOUR * 1000).ok).toBe(true);
    expect(verifyObjectUrl(KEY, query, SECRET, IN_AN_HOUR * 1000 + 1)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('binds the signature to the key, the expiry and the secret', () => {
    expect(verifyObjectUrl('generations/0b5c6f1e/1.png', query, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyObjectUrl(KEY, { ...query, expires: String(IN_AN_HOUR + 86400) }, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyObjectUrl(KEY, { ...query, sig: flipLastChar(query.sig) }, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyObjectUrl(KEY, query, SECRET.replace('0', '1'), NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('does not reveal expiry handling to forged URLs', () => {
    const expired = { expires: String(NOW / 1000 - 10), sig: flipLastChar(query.sig) };
    expect(verifyObjectUrl(KEY, expired, SECRET, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects malformed queries and keys', () => {
    const malformed = [
      {},
      { expires: query.expires },
      { sig: query.sig },
      { ...query, expires: `${query.expires}.0` },
      { ...query, expires: '-1' },
      { ...query, sig: `${query.sig}=` },
      { ...query, sig: [query.sig, query.sig] },
      { ...query, expires: [query.expires] },
    ];
    for (const q of malformed)
      expect(verifyObjectUrl(KEY, q, SECRET, NOW), JSON.stringify(q)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    expect(verifyObjectUrl('../etc/passwd', query, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'invalid_key',
    });
  });

  it('refuses secrets shorter than 32 characters', () => {
    expect(() => signObjectUrl({ key: KEY, expiresAtUnix: IN_AN_HOUR, secret: 'short' })).toThrow(
      ObjectStoreConfigError,
    );
    expect(() => verifyObjectUrl(KEY, query, 'short')).toThrow(ObjectStoreConfigError);
  });
});

describe('serveSignedFile', () => {
  let root: string;
  let store: FilesystemObjectStore;
  let server: SignedFileServer;
  const bytes = binaryPayload();

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'easel-signed-url-'));
    store = new FilesystemObjectStore({ root, signingSecret: SECRET });
    await store.put(KEY, bytes, { contentType: 'image/png' });
    server = await startSignedFileServer(() => store);
  });
  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('answers each case with the status and code the API sends', async () => {
    const serve = (key: string, query: Record<string, unknown>) =>
      serveSignedFile({ store, secret: SECRET, key, query, nowMs: NOW });
    const query = queryOf(signObjectUrl({ key: KEY, expiresAtUnix: IN_AN_HOUR, secret: SECRET }));

    const ok = await serve(KEY, query);
    expect(ok).toMatchObject({
      ok: true,
      status: 200,
      contentType: 'image/png',
      cacheControl: 'private, max-age=3600',
    });
    expect(ok.ok && ok.bytes.equals(bytes)).toBe(true);

    expect(await serve('generations/0b5c6f1e/1.png', query)).toMatchObject({
      status: 403,
      code: 'invalid_signature',
    });
    expect(await serve(KEY, { ...query, sig: flipLastChar(query.sig) })).toMatchObject({
      status: 403,
      code: 'invalid_signature',
    });
    expect(
      await serveSignedFile({ store, secret: SECRET, key: KEY, query, nowMs: (IN_AN_HOUR + 1) * 1000 }),
    ).toMatchObject({
      status: 403,
      code: 'url_expired',
    });
    expect(await serve(KEY, {})).toMatchObject({ status: 400, code: 'malformed_url' });
    expect(await serve('/etc/passwd', query)).toMatchObject({ status: 400, code: 'invalid_key' });
    const missing = 'generations/0b5c6f1e/9.png';
    const missingQuery = queryOf(signObjectUrl({ key: missing, expiresAtUnix: IN_AN_HOUR, secret: SECRET }));
    expect(await serve(missing, missingQuery)).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('serves real download URLs over HTTP and rejects tampered or expired ones', async () => {
    const url = await store.downloadUrl(KEY, { expiresInSeconds: 60, baseUrl: server.baseUrl });
    const good = await fetch(url);
    expect(good.status).toBe(200);
    expect(Buffer.from(await good.arrayBuffer()).equals(bytes)).toBe(true);

    const otherKey = url.replace('/0.png?', '/1.png?');
    const badSig = flipLastChar(url);
    const expiredUrl = signObjectUrl({
      key: KEY,
      expiresAtUnix: Math.floor(Date.now() / 1000) - 1,
      secret: SECRET,
      baseUrl: server.baseUrl,
    });
    const extended = url.replace(/expires=(\d+)/, (_, e: string) => `expires=${Number(e) + 3600}`);
    for (const [tampered, code] of [
      [otherKey, 'invalid_signature'],
      [badSig, 'invalid_signature'],
      [extended, 'invalid_signature'],
      [expiredUrl, 'url_expired'],
    ]) {
      const response = await fetch(tampered);
      expect(response.status, tampered).toBe(403);
      expect(await response.json()).toMatchObject({ code });
    }
    // fetch resolves literal ".." segments itself; an encoded "/" reaches the server as a key with "..".
    const traversal = await fetch(
      `${server.baseUrl}/files/generations/..%2F..%2Fx.png?${new URL(url).search.slice(1)}`,
    );
    expect(traversal.status).toBe(400);
  });
});
