/**
 * The native asynchronous API end to end: real API, PostgreSQL, Redis and a real worker on the generated test
 * model. Every mode produces images of the asked size, downloadable through signed URLs, paid for once.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { creditsFor } from '@easel/contracts';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/app.js';
import {
  balance,
  download,
  finished,
  pngSize,
  solidPng,
  startGenerationsHarness,
  type GenerationBody,
  type GenerationsHarness,
} from './generations-harness.js';

let h: GenerationsHarness;
let token: string;

beforeAll(async () => {
  h = await startGenerationsHarness();
  ({ token } = await h.user(200));
});
afterAll(async () => {
  await h?.close();
});

const submit = (json: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call<GenerationBody & { createdAt: string }>(h.api.url, 'POST', '/api/generations', {
    token,
    json: { engine: h.engine, prompt: 'a lighthouse at dusk', steps: 3, ...json },
    headers,
  });

describe('native generations API', () => {
  it('runs text-to-image: 202, succeeded, a PNG of the asked size, charged the price, same seed → same bytes', async () => {
    const before = await balance(h.api.url, token);
    const first = await submit({ width: 64, height: 128, seed: 1234 });
    expect(first.status).toBe(202);
    expect(Object.keys(first.body).sort()).toEqual(['cost', 'createdAt', 'id', 'status']);
    expect(first.body.status).toBe('queued');
    const price = creditsFor({ width: 64, height: 128, steps: 3, samples: 1 });
    expect(first.body.cost).toBe(price);
    expect(await balance(h.api.url, token)).toBe(before - price);

    const done = await finished(h.api.url, token, first.body.id);
    expect(done.status).toBe('succeeded');
    expect(done.error).toBeNull();
    expect(done.artifacts).toHaveLength(1);
    expect(done.artifacts[0]).toMatchObject({
      index: 0,
      seed: 1234,
      width: 64,
      height: 128,
      finishReason: 'SUCCESS',
    });
    expect(done.params).toMatchObject({
      prompt: 'a lighthouse at dusk',
      width: 64,
      height: 128,
      steps: 3,
      seed: 1234,
    });
    expect(done.timings?.pipelineMs).toBeGreaterThan(0);
    expect(done.timings?.totalMs).toBeGreaterThanOrEqual(done.timings?.queueMs ?? 0);
    const file = await download(h.api.url, done.artifacts[0].url);
    expect(file.status).toBe(200);
    expect(file.type).toBe('image/png');
    expect(await pngSize(file.bytes)).toEqual(['png', 64, 128]);
    // A tampered signature is refused.
    const forged = await download(h.api.url, done.artifacts[0].url.replace(/sig=./, 'sig=A'));
    expect(forged.status).toBe(403);

    const second = await submit({ width: 64, height: 128, seed: 1234 });
    const again = await finished(h.api.url, token, second.body.id);
    const bytes = (await download(h.api.url, again.artifacts[0].url)).bytes;
    expect(bytes.equals(file.bytes)).toBe(true);
    expect(await balance(h.api.url, token)).toBe(before - 2 * price);
  });

  it('runs image-to-image at the init image size', async () => {
    const reply = await submit({ mode: 'image-to-image', initImage: await solidPng(128, 64), strength: 0.5 });
    expect(reply.status).toBe(202);
    const done = await finished(h.api.url, token, reply.body.id);
    expect(done.status).toBe('succeeded');
    expect(await pngSize((await download(h.api.url, done.artifacts[0].url)).bytes)).toEqual(['png', 128, 64]);
  });

  it('inpaints with a mask and outpaints to a larger size', async () => {
    const inpaint = await submit({
      mode: 'inpaint',
      initImage: await solidPng(64, 64),
      mask: await solidPng(64, 64, '#000000', true),
    });
    expect(inpaint.status).toBe(202);
    const outpaint = await submit({
      mode: 'outpaint',
      initImage: await solidPng(64, 64),
      width: 64,
      height: 64,
      outpaint: { left: 64, top: 0, right: 0, bottom: 64 },
    });
    expect(outpaint.status).toBe(202);
    expect(outpaint.body.cost).toBe(creditsFor({ width: 128, height: 128, steps: 3, samples: 1 }));
    const [a, b] = await Promise.all([
      finished(h.api.url, token, inpaint.body.id),
      finished(h.api.url, token, outpaint.body.id),
    ]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    const painted = (await download(h.api.url, a.artifacts[0].url)).bytes;
    expect(await pngSize(painted)).toEqual(['png', 64, 64]);
    // Outside the mask (the white square in the middle) the result stays close to the input colour.
    const { data } = await sharp(painted).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const input = [0x33, 0x66, 0xcc];
    const diff = { outside: 0, inside: 0 };
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const where = x >= 16 && x < 48 && y >= 16 && y < 48 ? 'inside' : 'outside';
        for (let c = 0; c < 3; c++) diff[where] += Math.abs(data[(y * 64 + x) * 3 + c] - input[c]);
      }
    }
    const mean = { outside: diff.outside / (3 * (64 * 64 - 32 * 32)), inside: diff.inside / (3 * 32 * 32) };
    expect(mean.outside).toBeLessThan(4);
    expect(mean.inside).toBeGreaterThan(mean.outside + 4);
    expect(await pngSize((await download(h.api.url, b.artifacts[0].url)).bytes)).toEqual(['png', 128, 128]);
  });

  it('interpolates N frames and an animation, charged per frame', async () => {
    const reply = await submit({ mode: 'interpolate', seed: 5, interpolation: { toSeed: 6, frames: 3 } });
    expect(reply.status).toBe(202);
    expect(reply.body.cost).toBe(3 * creditsFor({ width: 64, height: 64, steps: 3, samples: 1 }));
    const done = await finished(h.api.url, token, reply.body.id);
    expect(done.status).toBe('succeeded');
    expect(done.artifacts.map((a) => a.index)).toEqual([0, 1, 2]);
    expect(done.animation).toMatchObject({ contentType: 'image/webp', width: 64, height: 64 });
    const webp = await download(h.api.url, done.animation!.url);
    expect([webp.status, webp.type]).toEqual([200, 'image/webp']);
  });

  it('streams Server-Sent Events from queued to succeeded, with previews when asked', async () => {
    // Long enough (~100 ms here) that the stream usually joins before the end; a late join still gets the
    // latest progress and preview first.
    const reply = await submit({ steps: 24, width: 128, height: 128, preview: true });
    const response = await fetch(`${h.api.url}/api/generations/${reply.body.id}/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text(); // the stream ends after the terminal event
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('queued');
    expect(events).toContain('started');
    expect(events.at(-1)).toBe('succeeded');
    const progress = [...text.matchAll(/^event: progress\ndata: (.*)$/gm)].map(
      (m) => JSON.parse(m[1]) as { step: number; total: number; preview?: string },
    );
    expect(progress.at(-1)).toMatchObject({ step: 24, total: 24 });
    const preview = progress.find((p) => p.preview)?.preview;
    expect(preview).toBeDefined();
    expect((await sharp(Buffer.from(preview!, 'base64')).metadata()).format).toBe('png');
    const last = JSON.parse(/data: (.*)\n\n$/.exec(text)![1]) as GenerationBody;
    expect(last.artifacts).toHaveLength(1);
  });

  it('holds the request with Prefer: wait=N and returns the finished generation', async () => {
    const reply = await submit({}, { prefer: 'wait=20' });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('preference-applied')).toBe('wait=20');
    expect(reply.body.status).toBe('succeeded');
    expect(reply.body.artifacts).toHaveLength(1);
    // The held answer is built from the settled record without a read: it must equal what GET reads back.
    const read = await call<GenerationBody>(h.api.url, 'GET', `/api/generations/${reply.body.id}`, { token });
    const withoutUrls = (g: GenerationBody) => ({
      ...g,
      artifacts: g.artifacts.map((a) => ({ ...a, url: new URL(a.url, h.api.url).pathname })),
    });
    expect(withoutUrls(reply.body)).toEqual(withoutUrls(read.body));
  });

  it('lists newest first with a cursor, and deletes images while the ledger stays', async () => {
    const page1 = await call<{ data: GenerationBody[]; nextCursor: string | null }>(
      h.api.url,
      'GET',
      '/api/generations?limit=2',
      { token },
    );
    expect(page1.status).toBe(200);
    expect(page1.body.data).toHaveLength(2);
    const page2 = await call<{ data: GenerationBody[]; nextCursor: string | null }>(
      h.api.url,
      'GET',
      `/api/generations?limit=2&cursor=${page1.body.nextCursor}`,
      { token },
    );
    const ids = [...page1.body.data, ...page2.body.data].map((g) => g.id);
    expect(new Set(ids).size).toBe(4);

    const target = page1.body.data[0];
    const url = target.artifacts[0].url;
    expect((await download(h.api.url, url)).status).toBe(200);
    const credits = await balance(h.api.url, token);
    const removed = await call(h.api.url, 'DELETE', `/api/generations/${target.id}`, { token });
    expect(removed.status).toBe(204);
    expect((await download(h.api.url, url)).status).toBe(404);
    const after = await call<GenerationBody>(h.api.url, 'GET', `/api/generations/${target.id}`, { token });
    expect([after.body.status, after.body.artifacts]).toEqual([target.status, []]);
    expect(await balance(h.api.url, token)).toBe(credits);
  });

  it('lists the engines the workers serve', async () => {
    const reply = await call<{ data: Array<Record<string, unknown>> }>(h.api.url, 'GET', '/api/engines', {
      token,
    });
    const engine = reply.body.data.find((e) => e.id === h.engine);
    expect(engine).toMatchObject({ nativeWidth: 64, nativeHeight: 64, type: 'PICTURE' });
    expect(engine?.modes).toContain('inpaint');
    expect(engine?.samplers).toContain('euler_a');
    expect(engine?.workers).toEqual([{ executionProviders: ['cpu'] }]);
  });

  it('POSTs the finished generation to webhookUrl with a valid Easel-Signature, retrying a failing receiver', async () => {
    const received: Array<{ body: string; signature: string }> = [];
    let calls = 0;
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        calls += 1;
        if (calls === 1) {
          res.writeHead(503).end(); // down once: must be retried
          return;
        }
        received.push({ body, signature: String(req.headers['easel-signature']) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const reply = await submit({ webhookUrl: `http://127.0.0.1:${port}/hook` });
      expect(reply.status).toBe(202);
      const deadline = Date.now() + 30_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(received).toHaveLength(1);
      const { body, signature } = received[0];
      expect(JSON.parse(body)).toMatchObject({ id: reply.body.id, status: 'succeeded' });
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature) ?? [];
      const expected = createHmac('sha256', h.api.config.webhooks.secret)
        .update(`${t}.${body}`)
        .digest('hex');
      expect(v1).toBe(expected);
    } finally {
      server.close();
    }
  });
});

describe('multipart', () => {
  it('takes image inputs as file parts, with the same validation as JSON', async () => {
    const form = new FormData();
    form.set('engine', h.engine);
    form.set('mode', 'outpaint');
    form.set('prompt', 'a wider view');
    form.set('steps', '3');
    form.set('width', '64');
    form.set('height', '64');
    form.set('outpaint', JSON.stringify({ right: 64 }));
    form.set(
      'initImage',
      new Blob([Buffer.from(await solidPng(64, 64), 'base64')], { type: 'image/png' }),
      'in.png',
    );
    const post = (body: FormData) =>
      fetch(`${h.api.url}/api/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body,
      });
    const reply = await post(form);
    expect(reply.status).toBe(202);
    const { id } = (await reply.json()) as { id: string };
    const done = await finished(h.api.url, token, id);
    expect(done.status).toBe('succeeded');
    expect(await pngSize((await download(h.api.url, done.artifacts[0].url)).bytes)).toEqual(['png', 128, 64]);

    form.set('width', '100');
    const bad = await post(form);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/body\.width/);
  });
});

describe('webhooks after a crash', () => {
  it('delivers the webhook of a generation settled just before a crash (never queued)', async () => {
    const bodies: string[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const owner = await h.user(0);
      const id = randomUUID();
      // Settled and committed, but the process died before queueing the delivery.
      await h.prisma.generation.create({
        data: {
          id,
          userId: owner.id,
          engine: h.engine,
          mode: 'text-to-image',
          params: {},
          cost: 0,
          status: 'failed',
          errorName: 'pipeline_error',
          errorMessage: 'worker lost',
          webhookUrl: `http://127.0.0.1:${port}/hook`,
          finishedAt: new Date(Date.now() - 5_000),
        },
      });
      const deadline = Date.now() + 20_000;
      while (bodies.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(bodies.map((b) => (JSON.parse(b) as { id: string; status: string }).id)).toEqual([id]);
      const row = await h.prisma.generation.findUnique({ where: { id }, select: { webhookQueuedAt: true } });
      expect(row?.webhookQueuedAt).not.toBeNull();
    } finally {
      server.close();
    }
  });
});
