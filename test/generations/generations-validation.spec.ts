/**
 * Requests the API must refuse before charging anything: 400 naming the field, nothing debited, no generation
 * row. Plus ownership (404), revoked keys (401) and Redis down at enqueue (503, refunded at once).
 */
import { deflateSync, crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationQueues } from '../../apps/api/src/queue/generation-queues.js';
import { call, createKey, expectErrorShape } from '../support/app.js';
import {
  balance,
  finished,
  solidPng,
  startGenerationsHarness,
  type GenerationBody,
  type GenerationsHarness,
} from './generations-harness.js';

let h: GenerationsHarness;
let user: { id: string; token: string };

beforeAll(async () => {
  // Production's webhook policy: only public targets.
  h = await startGenerationsHarness({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' });
  user = await h.user(100);
});
afterAll(async () => {
  await h?.close();
});

const submit = (json: Record<string, unknown>, token = user.token) =>
  call<GenerationBody>(h.api.url, 'POST', '/api/generations', {
    token,
    json: { engine: h.engine, prompt: 'a field of poppies', steps: 3, ...json },
  });

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid-looking 60-byte PNG that declares 100000 × 100000 pixels (a decompression bomb's header). */
function bombPng(): string {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return png.toString('base64');
}

describe('refused before any charge', () => {
  const cases: Array<[string, () => Record<string, unknown> | Promise<Record<string, unknown>>, RegExp]> = [
    ['width not a multiple of 64', () => ({ width: 100 }), /body\.width/],
    ['too many pixels for the engine', () => ({ width: 512, height: 512 }), /body\.width: .*pixels/],
    ['a size above the engine maximum', () => ({ width: 1024 }), /body\.width: must be from 64 to 512/],
    ['steps out of range', () => ({ steps: 151 }), /body\.steps/],
    ['cfgScale out of range', () => ({ cfgScale: 36 }), /body\.cfgScale/],
    ['an unknown sampler', () => ({ sampler: 'K_MAGIC' }), /body\.sampler/],
    [
      'an unknown engine',
      () => ({ engine: 'no-such-engine' }),
      /body\.engine: The specified engine \(ID no-such-engine\) was not found/,
    ],
    ['a prompt over 2,000 characters', () => ({ prompt: 'x'.repeat(2001) }), /body\.prompt/],
    [
      'corrupt image bytes',
      () => ({
        mode: 'image-to-image',
        initImage: Buffer.from('not an image at all').toString('base64'),
      }),
      /body\.initImage/,
    ],
    [
      'a truncated PNG',
      async () => ({ mode: 'image-to-image', initImage: (await solidPng(64, 64)).slice(0, 120) }),
      /body\.initImage/,
    ],
    [
      'a decompression bomb PNG',
      () => ({ mode: 'image-to-image', initImage: bombPng() }),
      /body\.initImage: declares/,
    ],
    [
      'a mask of another size',
      async () => ({ mode: 'inpaint', initImage: await solidPng(64, 64), mask: await solidPng(128, 64) }),
      /body\.mask: is 128x64/,
    ],
    ['image-to-image without an image', () => ({ mode: 'image-to-image' }), /body\.initImage: required/],
    [
      'outpaint without margins',
      async () => ({ mode: 'outpaint', initImage: await solidPng(64, 64) }),
      /body\.outpaint/,
    ],
    ['an unknown field', () => ({ style: 'anime' }), /unknown field 'style'/],
    [
      'a webhook to loopback',
      () => ({ webhookUrl: 'http://127.0.0.1:6379/' }),
      /body\.webhookUrl: must be a public/,
    ],
    [
      'a webhook to localhost',
      () => ({ webhookUrl: 'http://localhost:5432/' }),
      /body\.webhookUrl: must be a public/,
    ],
    [
      'a webhook to the cloud metadata service',
      () => ({ webhookUrl: 'http://169.254.169.254/latest/meta-data/' }),
      /body\.webhookUrl: must be a public/,
    ],
    [
      'a webhook to a private IPv6 address',
      () => ({ webhookUrl: 'http://[fd00::1]/hook' }),
      /body\.webhookUrl/,
    ],
    ['a webhook that is not http(s)', () => ({ webhookUrl: 'file:///etc/passwd' }), /body\.webhookUrl/],
  ];

  it.each(cases)('%s → 400 naming the field, no charge', async (_what, body, message) => {
    const reply = await submit(await body());
    expectErrorShape(reply, 400, 'invalid_request');
    expect((reply.body as unknown as { message: string }).message).toMatch(message);
    expect(await balance(h.api.url, user.token)).toBe(100);
    expect(await h.prisma.generation.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe('access', () => {
  it("answers 404 for another user's generation, and 401 once the API key is revoked", async () => {
    const key = await createKey(h.api.url, user.token, 'generations');
    const mine = await submit({}, key.key);
    expect(mine.status).toBe(202);
    const other = await h.user(10);
    for (const route of [`/api/generations/${mine.body.id}`, `/api/generations/${mine.body.id}/events`]) {
      expectErrorShape(await call(h.api.url, 'GET', route, { token: other.token }), 404, 'not_found');
    }
    expectErrorShape(
      await call(h.api.url, 'POST', `/api/generations/${mine.body.id}/cancel`, { token: other.token }),
      404,
      'not_found',
    );
    expectErrorShape(
      await call(h.api.url, 'DELETE', `/api/generations/${mine.body.id}`, { token: other.token }),
      404,
      'not_found',
    );
    const list = await call<{ data: unknown[] }>(h.api.url, 'GET', '/api/generations', {
      token: other.token,
    });
    expect(list.body.data).toEqual([]);
    await finished(h.api.url, user.token, mine.body.id);

    expect((await call(h.api.url, 'DELETE', `/api/keys/${key.id}`, { token: user.token })).status).toBe(204);
    expectErrorShape(await submit({}, key.key), 401, 'unauthorized');
    expectErrorShape(
      await call(h.api.url, 'GET', `/api/generations/${mine.body.id}`, { token: key.key }),
      401,
      'unauthorized',
    );
  });
});

describe('Redis down at enqueue', () => {
  it('answers 503 and refunds at once (runs last: it cuts this app off its queue)', async () => {
    const before = await balance(h.api.url, user.token);
    // The API's queue connection drops (as when Redis goes away); enqueueing then fails fast.
    h.api.app.get(GenerationQueues)['connection'].disconnect();
    const reply = await submit({});
    expectErrorShape(reply, 503, 'service_unavailable');
    expect(await balance(h.api.url, user.token)).toBe(before);
    const [row] = await h.prisma.generation.findMany({
      where: { userId: user.id },
      orderBy: { createdAt: 'desc' },
      take: 1,
    });
    expect([row?.status, row?.errorName]).toEqual(['failed', 'service_unavailable']);
  });
});
