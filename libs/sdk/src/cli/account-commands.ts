// `easel balance | ledger | engines | history | get | cancel | keys | buy`.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { Easel } from '../client.js';
import { GenerationError } from '../errors.js';
import { saveImages } from './generate-command.js';
import { printJson, printTable, UsageError, type Io } from './terminal.js';

export interface CommandContext {
  signal: AbortSignal;
  /** A client authenticated with a login access token (asks for the password when needed). */
  loginClient: (options: {
    email?: string | undefined;
    passwordStdin?: boolean | undefined;
  }) => Promise<Easel>;
}

const LIST = { json: { type: 'boolean' }, limit: { type: 'string' } } as const;

function limitOf(text: string | undefined, fallback = 20): number {
  if (text === undefined) return fallback;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a positive whole number`);
  return limit;
}

export async function balanceCommand(
  easel: Easel,
  argv: string[],
  io: Io,
  ctx: CommandContext,
): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const balance = await easel.balance({ signal: ctx.signal });
  if (values.json) printJson(io, balance);
  else io.stdout.write(`${balance.credits} credits\n`);
}

export async function ledgerCommand(
  easel: Easel,
  argv: string[],
  io: Io,
  ctx: CommandContext,
): Promise<void> {
  const { values } = parseArgs({ args: argv, options: LIST });
  const limit = limitOf(values.limit);
  const entries = await easel.ledger({ limit: Math.min(limit, 100) }, { signal: ctx.signal }).toArray(limit);
  if (values.json) return printJson(io, entries);
  printTable(
    io,
    ['WHEN', 'AMOUNT', 'BALANCE', 'KIND', 'REFERENCE'],
    entries.map((e) => [e.createdAt, signed(e.amount), e.balanceAfter, e.kind, e.reference]),
  );
}

export async function enginesCommand(
  easel: Easel,
  argv: string[],
  io: Io,
  ctx: CommandContext,
): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const engines = await easel.engines({ signal: ctx.signal });
  if (values.json) return printJson(io, engines);
  printTable(
    io,
    ['ID', 'SIZE', 'STEPS', 'SAMPLER', 'MODES', 'NAME'],
    engines.map((e) => [
      e.id,
      `${e.nativeWidth}x${e.nativeHeight}`,
      e.defaultSteps,
      e.defaultSampler,
      e.modes.join(','),
      e.name,
    ]),
  );
}

export async function historyCommand(
  easel: Easel,
  argv: string[],
  io: Io,
  ctx: CommandContext,
): Promise<void> {
  const { values } = parseArgs({ args: argv, options: LIST });
  const limit = limitOf(values.limit);
  const list = easel.generations.list({ limit: Math.min(limit, 100) }, { signal: ctx.signal });
  const generations = await list.toArray(limit);
  if (values.json) return printJson(io, generations);
  printTable(
    io,
    ['ID', 'STATUS', 'CREATED', 'COST', 'ENGINE', 'PROMPT'],
    generations.map((g) => [g.id, g.status, g.createdAt, g.cost, g.engine, clip(promptOf(g.params))]),
  );
}

export async function getCommand(easel: Easel, argv: string[], io: Io, ctx: CommandContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, output: { type: 'string', short: 'o' } },
    allowPositionals: true,
  });
  const id = onlyId(positionals, 'get');
  const generation = await easel.generations.get(id, { signal: ctx.signal });
  let files: string[] = [];
  if (values.output !== undefined) {
    if (generation.status !== 'succeeded') throw new GenerationError(generation);
    const images = await easel.generations.images(generation, { signal: ctx.signal });
    const animation = generation.animation
      ? await easel.generations.download(generation.animation, { signal: ctx.signal })
      : null;
    files = await saveImages(values.output, generation.id, images, animation);
  }
  if (values.json) return printJson(io, files.length > 0 ? { ...generation, files } : generation);
  const progress = generation.progress ? ` ${generation.progress.step}/${generation.progress.total}` : '';
  io.stdout.write(`${generation.id}  ${generation.status}${progress}  ${generation.cost} credit(s)\n`);
  io.stdout.write(`prompt: ${promptOf(generation.params)}\n`);
  if (generation.error) io.stdout.write(`error: ${generation.error.name}: ${generation.error.message}\n`);
  for (const a of generation.artifacts) io.stdout.write(`image ${a.index}: seed ${a.seed} ${a.url}\n`);
  for (const file of files) io.stdout.write(`saved ${file}\n`);
}

export async function cancelCommand(
  easel: Easel,
  argv: string[],
  io: Io,
  ctx: CommandContext,
): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const generation = await easel.generations.cancel(onlyId(positionals, 'cancel'), { signal: ctx.signal });
  if (values.json) return printJson(io, generation);
  io.stdout.write(`${generation.id}  ${generation.status}\n`);
}

export async function keysCommand(argv: string[], io: Io, ctx: CommandContext): Promise<void> {
  const [action, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { json: { type: 'boolean' }, email: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    allowPositionals: true,
  });
  const login = () => ctx.loginClient({ email: values.email, passwordStdin: values['password-stdin'] });
  if (action === 'list') {
    const keys = await (await login()).keys.list({ signal: ctx.signal });
    if (values.json) return printJson(io, keys);
    printTable(
      io,
      ['ID', 'PREFIX', 'NAME', 'CREATED', 'LAST USED'],
      keys.map((k) => [k.id, k.prefix, k.name, k.createdAt, k.lastUsedAt ?? 'never']),
    );
  } else if (action === 'create') {
    const name = positionals.join(' ').trim();
    if (!name) throw new UsageError('give the key a name: easel keys create "my laptop"');
    const key = await (await login()).keys.create(name, { signal: ctx.signal });
    if (values.json) return printJson(io, key);
    io.stdout.write(`${key.key}\n`);
    io.stderr.write(`key "${key.name}" (${key.id}) created; this is the only time its secret is shown\n`);
  } else if (action === 'revoke') {
    const id = onlyId(positionals, 'keys revoke');
    await (await login()).keys.revoke(id, { signal: ctx.signal });
    if (values.json) return printJson(io, { id, revoked: true });
    io.stdout.write(`revoked ${id}\n`);
  } else {
    throw new UsageError('easel keys create NAME | list | revoke ID');
  }
}

export async function buyCommand(easel: Easel, argv: string[], io: Io, ctx: CommandContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, open: { type: 'boolean' } },
    allowPositionals: true,
  });
  const [packId] = positionals;
  if (!packId) {
    const packs = await easel.billing.packs({ signal: ctx.signal });
    if (values.json) return printJson(io, packs);
    if (!packs.enabled) io.stderr.write('note: buying credits is not enabled on this server\n');
    printTable(
      io,
      ['PACK', 'CREDITS', 'PRICE', 'NAME'],
      packs.data.map((p) => [p.id, p.credits, money(p.amount, p.currency), p.name]),
    );
    if (packs.enabled) io.stderr.write('buy one with: easel buy PACK [--open]\n');
    return;
  }
  const session = await easel.billing.checkout(packId, { signal: ctx.signal });
  if (values.json) printJson(io, session);
  else io.stdout.write(`${session.url}\n`);
  if (values.open) openInBrowser(session.url, io);
  else if (!values.json)
    io.stderr.write('open this link to pay; the credits arrive once the payment clears\n');
}

function openInBrowser(url: string, io: Io): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => io.stderr.write(`could not start ${command}; open the link yourself\n`));
  child.unref();
}

function onlyId(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`easel ${command} takes one id`);
  return positionals[0];
}

const promptOf = (params: Record<string, unknown>): string =>
  typeof params.prompt === 'string' ? params.prompt : '';
const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));
const clip = (text: string, max = 60): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const money = (amount: number, currency: string): string =>
  `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
