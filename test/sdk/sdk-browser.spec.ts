/**
 * @easel/sdk in a real browser (headless Chromium), as the dashboard will use it: same-origin (baseUrl ''),
 * extra headers from a function, generate with progress events, typed errors. A small server in front of the
 * API serves the page and the SDK's modules (compiled from src by SWC on request) and collects the result.
 */
import { spawn } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transform } from '@swc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executableExists, systemDepsReady } from '../support/system-deps.js';
import { REPO_ROOT, startClientStack, type ClientStack } from './client-stack.js';

const CHROMIUM = '/usr/bin/chromium';
const ready = systemDepsReady('SDK browser test', [
  { what: 'Chromium', present: () => executableExists(CHROMIUM), install: 'apt-get install chromium' },
]);

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { Easel, InsufficientCreditsError } from '/sdk/index.js';
const report = (body) => fetch('/result', { method: 'POST', body: JSON.stringify(body) });
try {
  const params = new URLSearchParams(location.search);
  const seen = [];
  const easel = new Easel({ apiKey: params.get('key'), baseUrl: '', headers: () => ({ 'x-csrf-token': 'abc' }) });
  const result = await easel.generate(
    // Long enough that the event stream joins while it runs, even on a loaded machine.
    { engine: params.get('engine'), prompt: 'a red circle', steps: 60, width: 128, height: 128, seed: 9 },
    { onEvent: (e) => seen.push(e.type) },
  );
  const poor = new Easel({ apiKey: params.get('poor'), baseUrl: '' });
  const error = await poor.generations.create({ engine: params.get('engine'), prompt: 'x' }).catch((e) => e);
  await report({
    events: seen,
    seeds: result.seeds,
    pngMagic: Array.from(result.images[0].bytes.slice(0, 4)),
    balance: (await easel.balance()).credits,
    error: { typed: error instanceof InsufficientCreditsError, code: error.code, status: error.status, requestId: error.requestId },
  });
} catch (error) {
  await report({ failed: String(error && error.stack || error) });
}
</script>`;

describe.skipIf(!ready)('@easel/sdk in Chromium', () => {
  let stack: ClientStack;
  let server: Server;
  let origin: string;
  let result: Promise<Record<string, unknown>>;
  const csrfHeaders: Array<string | undefined> = [];

  beforeAll(async () => {
    stack = await startClientStack();
    const api = new URL(stack.api.url);
    let deliver: (body: Record<string, unknown>) => void = () => undefined;
    result = new Promise((resolve) => (deliver = resolve));
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith('/page')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      } else if (url.startsWith('/sdk/')) {
        void compiled(url.slice('/sdk/'.length)).then(
          (code) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(code),
          () => res.writeHead(404).end(),
        );
      } else if (url === '/result') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          res.writeHead(204).end();
          deliver(JSON.parse(body) as Record<string, unknown>);
        });
      } else {
        if (url.startsWith('/api/')) csrfHeaders.push(req.headers['x-csrf-token'] as string | undefined);
        const forward = httpRequest(
          { host: api.hostname, port: api.port, method: req.method, path: url, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forward.on('error', () => res.destroy());
        req.pipe(forward);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    server?.closeAllConnections();
    server?.close();
    await stack?.close();
  });

  it('generates with progress, reads the balance and gets a typed 402, same-origin', async () => {
    const [account, poor] = await Promise.all([stack.account(20), stack.account(0)]);
    const query = new URLSearchParams({ key: account.key, poor: poor.key, engine: stack.engine });
    const profile = await mkdtemp(path.join(tmpdir(), 'easel-chromium-'));
    const browser = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        `--user-data-dir=${profile}`,
        `${origin}/page?${query.toString()}`,
      ],
      { stdio: 'ignore', detached: true }, // its own process group, so its helpers end with it
    );
    const exited = new Promise((resolve) => browser.once('exit', resolve));
    try {
      const body = await Promise.race([
        result,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no result from the page')), 90_000),
        ),
      ]);
      expect(body.failed).toBeUndefined();
      expect(body.events).toContain('progress');
      expect((body.events as string[]).at(-1)).toBe('succeeded');
      expect(body.seeds).toEqual([9]);
      expect(body.pngMagic).toEqual([0x89, 0x50, 0x4e, 0x47]);
      expect(body.balance).toBe(19);
      expect(body.error).toMatchObject({ typed: true, code: 'insufficient_credits', status: 402 });
      expect(csrfHeaders).toContain('abc');
    } finally {
      process.kill(-browser.pid!, 'SIGKILL');
      await exited;
      await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  }, 120_000);
});

/** One SDK module (e.g. `client.js`) compiled from libs/sdk/src/*.ts, imports left as they are. */
async function compiled(file: string): Promise<string> {
  if (!/^[a-z-]+\.js$/.test(file)) throw new Error('not an SDK module');
  const source = await readFile(path.join(REPO_ROOT, 'libs/sdk/src', file.replace(/\.js$/, '.ts')), 'utf8');
  const output = await transform(source, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  });
  return output.code;
}
