/**
 * The bad-input corpus (bad-input.corpus.ts) against the real API with a live engine: every case answers its 4xx
 * with `{id, name, message}`, never a 5xx, and leaves the balance, the ledger, the generations and the queue as
 * they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../support/app.js';
import { startGenerationsHarness, type GenerationsHarness } from '../generations/generations-harness.js';
import { makeHostileImages, type HostileImages } from './bad-input-images.js';
import { BAD_INPUT_CORPUS, type BadCase } from './bad-input.corpus.js';
import { multipart, send, sendRaw, type RawReply } from './hostile-http.js';
import { jobCount, money, type Money } from './ledger-checks.js';

let h: GenerationsHarness;
let images: HostileImages;
let user: { id: string; token: string; key: string };

beforeAll(async () => {
  // The account cases sign in again and again: more than the per-IP limit on auth routes allows.
  h = await startGenerationsHarness({ RATE_LIMIT_AUTH_IP_MAX: '1000' });
  images = await makeHostileImages();
  const u = await h.user(100);
  user = { ...u, key: (await createKey(h.api.url, u.token, 'hostile')).key };
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const fill = (text: string): string => text.replaceAll('{engine}', h.engine);

function authHeader(c: BadCase): Record<string, string> {
  if (c.auth === 'none') return {};
  return { authorization: `Bearer ${c.auth === 'jwt' ? user.token : user.key}` };
}

/** Sends one case as it is written. */
export async function sendCase(c: BadCase): Promise<RawReply> {
  const path = fill(c.path);
  const method = c.method ?? 'POST';
  const headers: Record<string, string> = { ...authHeader(c), ...c.headers };
  if (c.raw) {
    const body = Buffer.from(fill(c.raw.body ?? ''));
    const auth = headers.authorization ? `Authorization: ${headers.authorization}` : 'X-No-Auth: 1';
    const head = fill(c.raw.head)
      .replace('{path}', path)
      .replace('{auth}', auth)
      .replace('{length}', String(body.length));
    return sendRaw(h.api.url, head, body);
  }
  let body: Buffer | undefined;
  let contentType: string | undefined = c.contentType;
  if (c.json !== undefined) {
    const value = typeof c.json === 'function' ? (c.json as (i: HostileImages) => unknown)(images) : c.json;
    body = Buffer.from(fill(JSON.stringify(value)));
    contentType ??= 'application/json';
  } else if (c.text !== undefined) {
    body = Buffer.from(fill(c.text));
  } else if (c.form) {
    const { parts, opts } = c.form(images);
    const encoded = multipart(
      parts.map((p) => (typeof p.data === 'string' ? { ...p, data: fill(p.data) } : p)),
      opts,
    );
    body = encoded.body;
    contentType ??= encoded.contentType;
  }
  if (contentType) headers['content-type'] = contentType;
  return send(h.api.url, method, path, headers, body);
}

interface World {
  money: Money;
  generations: number;
  jobs: number;
  keys: number;
}

async function world(): Promise<World> {
  return {
    money: await money(h.prisma, user.id),
    generations: await h.prisma.generation.count({ where: { userId: user.id } }),
    jobs: await jobCount(h.env.queue),
    keys: await h.prisma.apiKey.count({ where: { userId: user.id, revokedAt: null } }),
  };
}

describe(`bad input: ${BAD_INPUT_CORPUS.length} malformed requests`, () => {
  it('holds at least 100 uniquely named cases', () => {
    expect(BAD_INPUT_CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(BAD_INPUT_CORPUS.map((c) => c.name)).size).toBe(BAD_INPUT_CORPUS.length);
  });

  it.each(BAD_INPUT_CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await world();
    const reply = await sendCase(c);
    const body = reply.json as Record<string, unknown> | undefined;
    const summary = `${reply.status} ${reply.text.slice(0, 300)}`;
    expect(reply.status, summary).toBeGreaterThanOrEqual(400);
    expect(reply.status, summary).toBeLessThan(500);
    expect(reply.status, summary).toBe(c.expect.status);
    // The documented error body: exactly {id, name, message}, a machine code, the id echoed in X-Request-Id.
    expect(Object.keys(body ?? {}).sort(), summary).toEqual(['id', 'message', 'name']);
    expect(body?.name, summary).toMatch(/^[a-z_]+$/);
    if (c.expect.name) expect(body?.name, summary).toBe(c.expect.name);
    expect(typeof body?.message === 'string' && body.message.length > 0).toBe(true);
    if (reply.headers['x-request-id']) expect(body?.id).toBe(reply.headers['x-request-id']);
    expect(await world()).toEqual(before);
  });
});
