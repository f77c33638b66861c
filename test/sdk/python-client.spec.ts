/**
 * The Python client (clients/python) against the same running stack as the TypeScript SDK: this starts the API
 * and a worker process, makes accounts, and runs pytest (Debian's python3 + python3-pytest) as a subprocess.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeTestServer, type StripeTestServer } from '../support/stripe-server/index.js';
import { executableExists, systemDepsReady } from '../support/system-deps.js';
import { REPO_ROOT, startClientStack, type ClientStack } from './client-stack.js';

const PYTHON = '/usr/bin/python3';
const ready = systemDepsReady('Python client tests', [
  {
    what: 'python3 with pytest',
    present: () =>
      executableExists(PYTHON) &&
      spawnSync(PYTHON, ['-c', 'import pytest'], { stdio: 'ignore' }).status === 0,
    install: 'apt-get install python3-pytest',
  },
  {
    what: 'pip and setuptools (to check `pip install ./clients/python`)',
    // Separately: importing pip first makes setuptools' distutils shim fail on Debian's python3.
    present: () =>
      spawnSync(PYTHON, ['-c', 'import setuptools'], { stdio: 'ignore' }).status === 0 &&
      spawnSync(PYTHON, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0,
    install: 'apt-get install python3-pip python3-setuptools',
  },
]);

/** Accounts the live tests take one each (conftest.py's `account` fixture). */
const ACCOUNTS = 15;

describe.skipIf(!ready)('Python client (pytest)', () => {
  let stack: ClientStack;
  let stripe: StripeTestServer;
  beforeAll(async () => {
    stripe = await startStripeTestServer();
    // The same short rate-limit window as the TypeScript suite, so the 429 test sees a Retry-After of seconds.
    stack = await startClientStack({
      RATE_LIMIT_WINDOW_MS: '2000',
      RATE_LIMIT_API_KEY_MAX: '25',
      ...stripe.env,
    });
    stripe.setWebhookUrl(`${stack.api.url}/api/billing/stripe/webhook`);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await stripe?.close();
  });

  it('passes every pytest test, none skipped', async () => {
    const accounts = await Promise.all(Array.from({ length: ACCOUNTS }, () => stack.account(200)));
    const [poor, rate] = await Promise.all([stack.account(0), stack.account(200)]);
    const config = {
      baseUrl: stack.api.url,
      engine: stack.engine,
      accounts: accounts.map((a) => ({ key: a.key, email: a.email, password: a.password, credits: 200 })),
      poorKey: poor.key,
      stripeUrl: stripe.url, // its /_test/ control routes pay a Checkout Session
      rateKey: rate.key,
    };
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'clients/python/tests'], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          PYTHONDONTWRITEBYTECODE: '1',
          EASEL_TEST_STACK: JSON.stringify(config),
        },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('close', (code) => resolve({ code, output }));
    });
    console.info(`pytest: ${result.output.trim().split('\n').at(-1)}`);
    expect(result.code, result.output).toBe(0);
    const passed = Number(/(\d+) passed/.exec(result.output)?.[1] ?? 0);
    expect(passed, result.output).toBeGreaterThanOrEqual(19);
    expect(result.output).not.toMatch(/skipped|failed|error/i);
  }, 400_000);
});

const mypyReady = systemDepsReady('Python client type check', [
  {
    what: 'mypy',
    present: () => spawnSync(PYTHON, ['-m', 'mypy', '--version'], { stdio: 'ignore' }).status === 0,
    install: 'apt-get install mypy',
  },
]);

describe.skipIf(!mypyReady)('Python client types', () => {
  it('type-check with mypy --strict, as Python 3.9 (the oldest supported)', () => {
    const result = spawnSync(
      PYTHON,
      [
        '-m',
        'mypy',
        '--strict',
        '--python-version',
        '3.9',
        '--cache-dir=/dev/null',
        'clients/python/src/easel',
      ],
      { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Success: no issues found/m);
  }, 120_000);
});
