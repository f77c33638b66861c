/**
 * @easel/sdk against the running stack (API in-process, a real worker process): generate, stream, cancel, list,
 * keys, typed errors, and retries through a fault-injecting proxy that must never charge twice.
 */
import { createServer, type Server } from 'node:net';
import {
  ConnectionError,
  Easel,
  GenerationError,
  InsufficientCreditsError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  TimeoutError,
  type GenerationEvent,
} from '@easel/sdk';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOW, startClientStack, type ClientStack, type TestAccount } from './client-stack.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

let stack: ClientStack;
let proxy: FaultProxy;

beforeAll(async () => {
  // A short rate-limit window so the 429 test sees Retry-After of a second or two, not a minute.
  stack = await startClientStack({ RATE_LIMIT_WINDOW_MS: '2000', RATE_LIMIT_API_KEY_MAX: '25' });
  proxy = await startFaultProxy(stack.api.url);
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await stack?.close();
});

const client = (account: TestAccount, baseUrl = stack.api.url) => new Easel({ apiKey: account.key, baseUrl });

describe('@easel/sdk against the running stack', () => {
  it('generate: returns PNG bytes and seeds, charged once, and the ledger shows the debit', async () => {
    const account = await stack.account(50);
    const easel = client(account);
    const seen: string[] = [];
    const result = await easel.generate(
      { engine: stack.engine, prompt: 'a red circle', steps: 3, seed: 1234, samples: 2 },
      { onEvent: (e) => seen.push(e.type) },
    );
    expect(result.generation.status).toBe('succeeded');
    expect(result.seeds).toEqual(result.generation.artifacts.map((a) => a.seed));
    expect(result.seeds[0]).toBe(1234);
    expect(result.images).toHaveLength(2);
    const meta = await sharp(result.images[0].bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 64, 64]);
    expect(seen.at(-1)).toBe('succeeded');
    const { credits } = await easel.balance();
    expect(credits).toBe(50 - result.generation.cost);
    const entries = await easel.ledger({ limit: 1 }).toArray();
    expect(entries.map((e) => e.reference)).toContain(`generation:${result.generation.id}:debit`);
    expect(entries).toHaveLength(2); // walked two pages of one: the debit and the grant
  });

  it('events: queued, started, progress in order with previews, then the finished generation', async () => {
    const easel = client(await stack.account());
    const created = await easel.generations.create({
      engine: stack.engine,
      prompt: 'a blue square',
      steps: 40,
      width: 128,
      height: 128,
      preview: true,
    });
    const events: GenerationEvent[] = [];
    for await (const event of easel.generations.events(created.id)) events.push(event);
    expect(events[0].type).toBe('queued');
    expect(events.map((e) => e.type)).toContain('started');
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    const steps = progress.map((e) => e.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ step: 40, total: 40 });
    expect(progress.some((e) => e.preview)).toBe(true);
    const last = events.at(-1)!;
    expect(last.type === 'succeeded' && last.generation.artifacts).toHaveLength(1);
  });

  it('cancel: a running generation stops and is refunded; wait reports it canceled', async () => {
    const account = await stack.account(100);
    const easel = client(account);
    const created = await easel.generations.create({ engine: stack.engine, prompt: 'slow', ...SLOW });
    for await (const event of easel.generations.events(created.id)) if (event.type === 'progress') break;
    const canceled = await easel.generations.cancel(created.id);
    expect(['canceled', 'running']).toContain(canceled.status);
    const done = await easel.generations.wait(created.id, { waitTimeoutMs: 30_000 });
    expect(done.status).toBe('canceled');
    expect((await easel.balance()).credits).toBe(100);
    expect(await stack.entriesFor(account.id, created.id)).toEqual([
      { kind: 'debit', amount: -created.cost },
      { kind: 'refund', amount: created.cost },
    ]);
  });

  it('generate with an AbortSignal: the abort reason is thrown and the generation is canceled (refunded)', async () => {
    const account = await stack.account(100);
    const easel = client(account);
    const controller = new AbortController();
    const pending = easel.generate(
      { engine: stack.engine, prompt: 'slow', ...SLOW },
      {
        signal: controller.signal,
        onEvent: (e) => e.type === 'progress' && controller.abort(new Error('user')),
      },
    );
    await expect(pending).rejects.toThrow('user');
    const [latest] = (await easel.generations.list({ limit: 1 }).firstPage()).data;
    const done = await easel.generations.wait(latest.id, { waitTimeoutMs: 30_000 });
    expect(done.status).toBe('canceled');
    expect(await stack.balanceOf(account.id)).toBe(100);
  });

  it('generate: a generation canceled by someone else is a GenerationError with its status', async () => {
    const easel = client(await stack.account());
    const pending = easel.generate(
      { engine: stack.engine, prompt: 'slow', ...SLOW },
      { onEvent: (e) => void (e.type === 'started' && easel.generations.cancel(e.id)) },
    );
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GenerationError);
    expect((error as GenerationError).status).toBe('canceled');
  });

  it('list: walks every generation across cursor pages, newest first; delete removes the images', async () => {
    const easel = client(await stack.account());
    const a = await easel.generate({ engine: stack.engine, prompt: 'one', steps: 2 });
    const b = await easel.generate({ engine: stack.engine, prompt: 'two', steps: 2 });
    const ids = (await easel.generations.list({ limit: 1 }).toArray()).map((g) => g.id);
    expect(ids).toEqual([b.generation.id, a.generation.id]);
    await easel.generations.delete(a.generation.id);
    await expect(easel.generations.download(a.generation.artifacts[0])).rejects.toThrow(NotFoundError);
  });

  it('keys: create, list (with last use) and revoke with a login token; an API key is refused', async () => {
    const account = await stack.account();
    const withKey = client(account);
    const login = await withKey.auth.login({ email: account.email, password: account.password });
    const owner = withKey.withOptions({ apiKey: login.accessToken });
    const created = await owner.keys.create('ci');
    expect(created.key).toMatch(/^esl_/);
    const fresh = withKey.withOptions({ apiKey: created.key });
    expect((await fresh.auth.me()).email).toBe(account.email);
    const listed = await owner.keys.list();
    expect(listed.map((k) => k.name).sort()).toEqual(['ci', 'test']);
    await owner.keys.revoke(created.id);
    await expect(fresh.balance()).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    const denied = await withKey.keys.list().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDeniedError);
  });

  it('engines and pricing quote', async () => {
    const easel = client(await stack.account());
    const engines = await easel.engines();
    expect(engines.map((e) => e.id)).toContain(stack.engine);
    expect(await easel.pricing.quote({ width: 768, height: 768, steps: 50 })).toEqual({ credits: 3 });
  });
});

describe('@easel/sdk errors', () => {
  it('402: InsufficientCreditsError with code, status and request id; nothing charged', async () => {
    const account = await stack.account(0);
    const error = await client(account)
      .generations.create({ engine: stack.engine, prompt: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({ code: 'insufficient_credits', status: 402 });
    expect((error as InsufficientCreditsError).requestId).toMatch(/.+/);
    expect(await stack.balanceOf(account.id)).toBe(0);
  });

  it('400: InvalidRequestError saying what is wrong, not retried; 404: NotFoundError', async () => {
    const easel = client(await stack.account());
    const bad = await easel.generations
      .create({ engine: stack.engine, prompt: 'x', steps: 0 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidRequestError);
    expect((bad as InvalidRequestError).message).toMatch(/steps/);
    await expect(easel.generations.get('00000000-0000-4000-8000-000000000000')).rejects.toThrow(
      NotFoundError,
    );
  });

  it('429: RateLimitedError with retryAfter when retries are off; with retries, Retry-After is honoured', async () => {
    const account = await stack.account();
    const noRetry = new Easel({ apiKey: account.key, baseUrl: stack.api.url, maxRetries: 0 });
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => noRetry.balance()));
    const limited = results.filter((r) => r.status === 'rejected').map((r) => r.reason as RateLimitedError);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toBeInstanceOf(RateLimitedError);
    expect(limited[0]).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(limited[0].retryAfter).toBeGreaterThanOrEqual(1);

    const other = await stack.account();
    const patient = new Easel({ apiKey: other.key, baseUrl: stack.api.url, maxRetries: 4 });
    const all = await Promise.all(Array.from({ length: 30 }, () => patient.balance()));
    expect(all.every((b) => b.credits === 200)).toBe(true);
  });

  it('a network failure is a ConnectionError; a silent server is a TimeoutError', async () => {
    const closed = new Easel({ apiKey: 'esl_x', baseUrl: 'http://127.0.0.1:1', maxRetries: 1 });
    await expect(closed.balance()).rejects.toThrow(ConnectionError);
    const silent: Server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const slow = new Easel({
      apiKey: 'esl_x',
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 200,
      maxRetries: 1,
    });
    const started = Date.now();
    await expect(slow.balance()).rejects.toThrow(TimeoutError);
    expect(Date.now() - started).toBeLessThan(5_000);
    silent.close();
  });
});

describe('@easel/sdk retries never charge twice', () => {
  it.each(['503-after-forward', 'drop-after-forward'] as const)(
    'create answered by %s: retried with the same Idempotency-Key, one generation, one charge',
    async (fault) => {
      const account = await stack.account(100);
      const easel = client(account, proxy.url);
      proxy.failNext('POST', /^\/api\/generations$/, fault);
      const before = proxy.seen.length;
      const result = await easel.generate({ engine: stack.engine, prompt: 'once', steps: 2 });
      const posts = proxy.seen.slice(before).filter((r) => r.method === 'POST');
      expect(posts.map((p) => p.faulted)).toEqual([fault, null]);
      expect(posts[0].headers['idempotency-key']).toBeDefined();
      expect(posts[1].headers['idempotency-key']).toBe(posts[0].headers['idempotency-key']);
      const all = await easel.generations.list().toArray();
      expect(all.map((g) => g.id)).toEqual([result.generation.id]);
      expect(await stack.balanceOf(account.id)).toBe(100 - result.generation.cost);
    },
  );

  it('an event stream cut mid-way is reopened: every event once, in order, to the end', async () => {
    const easel = client(await stack.account(), proxy.url);
    const created = await easel.generations.create({
      engine: stack.engine,
      prompt: 'cut',
      steps: 40,
      width: 128,
      height: 128,
    });
    proxy.failNext('GET', /\/events$/, 'cut-after-first-chunk');
    const before = proxy.seen.length;
    const types: string[] = [];
    let lastStep = 0;
    for await (const event of easel.generations.events(created.id)) {
      types.push(event.type);
      if (event.type === 'progress') {
        expect(event.step).toBeGreaterThan(lastStep);
        lastStep = event.step;
      }
    }
    const opened = proxy.seen.slice(before).filter((r) => r.path.endsWith('/events'));
    expect(opened.map((r) => r.faulted)).toEqual(['cut-after-first-chunk', null]);
    expect(types.filter((t) => t === 'queued')).toHaveLength(1);
    expect(types.at(-1)).toBe('succeeded');
  });

  it('a GET failing before the API sees it is retried after Retry-After', async () => {
    const easel = client(await stack.account(), proxy.url);
    proxy.failNext('GET', /^\/api\/balance$/, '503-before', 2);
    expect(await easel.balance()).toEqual({ credits: 200 });
  });
});
