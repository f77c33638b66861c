/**
 * The `easel` command as a shell user runs it: a real process (from the TypeScript sources) against the running
 * stack, with its own config file; exit codes, files written, the progress bar and Ctrl-C.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Easel } from '@easel/sdk';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from './cli-process.js';
import { REPO_ROOT, SLOW, startClientStack, type ClientStack } from './client-stack.js';

let stack: ClientStack;
let home: string;

beforeAll(async () => {
  stack = await startClientStack();
  home = await mkdtemp(path.join(tmpdir(), 'easel-cli-test-'));
}, 120_000);
afterAll(async () => {
  await stack?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

const start = (args: string[], env: Record<string, string> = {}, stdin?: string) =>
  startCli(
    args,
    {
      HOME: home,
      EASEL_CONFIG: path.join(home, 'config', 'easel.json'),
      EASEL_BASE_URL: stack.api.url,
      ...env,
    },
    stdin,
  );
const easel = (args: string[], env?: Record<string, string>, stdin?: string) => start(args, env, stdin).done;
const out = (name: string) => path.join(home, name);

describe('the easel command', () => {
  it('login saves the key in a 0600 file; balance, engines and --json read it', async () => {
    const account = await stack.account(30);
    const login = await easel(['login', '--key-stdin'], {}, `${account.key}\n`);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`logged in as ${account.email} (30 credits)`);
    const file = path.join(home, 'config', 'easel.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      apiKey: account.key,
      email: account.email,
    });

    expect(await easel(['balance'])).toMatchObject({ code: 0, stdout: '30 credits\n' });
    expect(JSON.parse((await easel(['balance', '--json'])).stdout)).toEqual({ credits: 30 });
    const engines = await easel(['engines']);
    expect(engines.stdout).toMatch(new RegExp(`^${stack.engine}\\s+64x64`, 'm'));
  });

  it('a wrong key is refused at login (exit 3) and nothing is saved', async () => {
    const run = await easel(
      ['login', '--key-stdin'],
      { EASEL_CONFIG: out('other.json') },
      'esl_0000000000_nope\n',
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^easel: .+\[unauthorized\] \(request .+\)$/m);
    expect(existsSync(out('other.json'))).toBe(false);
  });

  it('generate: a progress bar, several images saved with their seeds, history/get/ledger see it', async () => {
    const account = await stack.account(50);
    const env = { EASEL_API_KEY: account.key };
    const args = ['generate', 'a red circle', '--engine', stack.engine, '--steps', '10', '--seed', '7'];
    const run = await easel([...args, '--samples', '2', '--size', '64x128', '-o', out('circle.png')], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/\[#+\.*\] \d+\/10 /); // one line per 10 % when stderr is not a terminal
    expect(run.stderr).toMatch(/\[#{30}\] 10\/10 /);
    expect(run.stdout).toContain(`${out('circle-1.png')}  seed 7  64x128`);
    const meta = await sharp(await readFile(out('circle-2.png'))).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 64, 128]);

    const history = JSON.parse((await easel(['history', '--json'], env)).stdout) as Array<{ id: string }>;
    expect(history).toHaveLength(1);
    const got = await easel(['get', history[0].id, '-o', out('again.png')], env);
    expect(got.stdout).toContain('succeeded');
    expect(await readFile(out('again-1.png'))).toEqual(await readFile(out('circle-1.png')));
    const ledger = await easel(['ledger'], env);
    expect(ledger.stdout).toContain(`generation:${history[0].id}:debit`);
  });

  it('image modes: --init with --mask (inpaint), --outpaint, --interpolate-to (frames and an animation)', async () => {
    const account = await stack.account(100);
    const env = { EASEL_API_KEY: account.key };
    const base = ['--engine', stack.engine, '--steps', '2', '--seed', '3'];
    const blue = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366cc' } })
      .png()
      .toFile(out('blue.png'));
    expect(blue.width).toBe(64);
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } })
      .png()
      .toFile(out('mask.png'));
    const inpaint = await easel(
      [
        'generate',
        'a red circle',
        ...base,
        '--init',
        out('blue.png'),
        '--mask',
        out('mask.png'),
        '-o',
        out('in.png'),
      ],
      env,
    );
    expect(inpaint.code, inpaint.stderr).toBe(0);
    const outpaint = await easel(
      [
        'generate',
        'a red circle',
        ...base,
        '--init',
        out('blue.png'),
        '--outpaint',
        '64,0,0,0',
        '-o',
        out('wide.png'),
      ],
      env,
    );
    expect(outpaint.code, outpaint.stderr).toBe(0);
    expect((await sharp(await readFile(out('wide.png'))).metadata()).width).toBe(128);
    const morph = await easel(
      [
        'generate',
        'a red circle',
        ...base,
        '--interpolate-to',
        'a blue square',
        '--frames',
        '3',
        '-o',
        out('m.png'),
      ],
      env,
    );
    expect(morph.code, morph.stderr).toBe(0);
    for (const file of ['m-1.png', 'm-2.png', 'm-3.png']) expect(existsSync(out(file))).toBe(true);
    expect((await sharp(await readFile(out('m.webp'))).metadata()).format).toBe('webp');
    const modes = JSON.parse((await easel(['history', '--json'], env)).stdout) as Array<{ mode: string }>;
    expect(modes.map((g) => g.mode)).toEqual(['interpolate', 'outpaint', 'inpaint']);
  });

  it('exit codes: 4 when credits run out (nothing charged), 2 for a usage mistake, 3 without a key', async () => {
    const poor = await stack.account(0);
    const broke = await easel(['generate', 'x', '--engine', stack.engine], { EASEL_API_KEY: poor.key });
    expect(broke.code).toBe(4);
    expect(broke.stderr).toContain('[insufficient_credits]');
    expect(await stack.balanceOf(poor.id)).toBe(0);
    const usage = await easel(['generate', 'x', '--size', 'big'], { EASEL_API_KEY: poor.key });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--size takes WIDTHxHEIGHT');
    const nobody = await easel(['balance'], { EASEL_CONFIG: out('none.json') });
    expect(nobody.code).toBe(3);
    expect(nobody.stderr).toContain('easel login');
    const json = await easel(['balance', '--json'], { EASEL_CONFIG: out('none.json') });
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'not_logged_in' } });
  });

  it('keys create | list | revoke sign in with the password (from stdin)', async () => {
    const account = await stack.account();
    const env = { EASEL_CONFIG: out('keys.json') };
    const auth = ['--email', account.email, '--password-stdin'];
    const created = await easel(['keys', 'create', 'build box', ...auth, '--json'], env, account.password);
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string };
    const listed = await easel(['keys', 'list', ...auth], env, account.password);
    expect(listed.stdout).toMatch(/build box/);
    expect(listed.stdout).toMatch(/LAST USED/);
    expect(await easel(['keys', 'revoke', key.id, ...auth], env, account.password)).toMatchObject({
      code: 0,
    });
    expect((await easel(['balance'], { EASEL_API_KEY: key.key })).code).toBe(3);
  });

  it('cancel ID cancels a running generation', async () => {
    const account = await stack.account(100);
    const sdk = new Easel({ apiKey: account.key, baseUrl: stack.api.url });
    const created = await sdk.generations.create({ engine: stack.engine, prompt: 'slow', ...SLOW });
    const run = await easel(['cancel', created.id], { EASEL_API_KEY: account.key });
    expect(run.code, run.stderr).toBe(0);
    expect((await sdk.generations.wait(created.id, { waitTimeoutMs: 30_000 })).status).toBe('canceled');
    expect(await stack.balanceOf(account.id)).toBe(100);
  });

  it('Ctrl-C during generate cancels the generation it started (refunded) and exits 130', async () => {
    const account = await stack.account(100);
    const { child, done } = start(
      [
        'generate',
        'slow',
        '--engine',
        stack.engine,
        '--size',
        '256x256',
        '--steps',
        '150',
        '--sampler',
        'euler',
      ],
      { EASEL_API_KEY: account.key },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!/\] \d+\/150/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const run = await done;
    expect(run.code, run.stderr).toBe(130);
    const id = /canceled generation ([0-9a-f-]{36})/.exec(run.stderr)?.[1];
    expect(id, run.stderr).toBeDefined();
    const sdk = new Easel({ apiKey: account.key, baseUrl: stack.api.url });
    expect((await sdk.generations.wait(id!, { waitTimeoutMs: 30_000 })).status).toBe('canceled');
    expect(await stack.balanceOf(account.id)).toBe(100);
  });

  it('npm links the command into node_modules/.bin', async () => {
    const bin = path.join(REPO_ROOT, 'node_modules/.bin/easel');
    expect(await realpath(bin)).toBe(path.join(REPO_ROOT, 'libs/sdk/bin/easel.js'));
    expect((await stat(bin)).mode & 0o111).not.toBe(0);
  });
});
