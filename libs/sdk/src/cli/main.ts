// The `easel` command: the Easel API from a shell. Exit codes: 0 ok, 1 failed (API, network, generation),
// 2 usage, 3 not logged in or refused (401/403), 4 not enough credits (402), 130 interrupted (Ctrl-C).
import { readFileSync } from 'node:fs';
import { Easel } from '../client.js';
import {
  ApiError,
  AuthenticationError,
  EaselError,
  GenerationError,
  InsufficientCreditsError,
  PermissionDeniedError,
} from '../errors.js';
import {
  balanceCommand,
  buyCommand,
  cancelCommand,
  enginesCommand,
  getCommand,
  historyCommand,
  keysCommand,
  ledgerCommand,
  type CommandContext,
} from './account-commands.js';
import { loadSettings, type Settings } from './config.js';
import { GENERATE_HELP, generateCommand } from './generate-command.js';
import { LOGIN_HELP, loginClient, loginCommand, logoutCommand } from './login-command.js';
import { UsageError, type Io } from './terminal.js';

const HELP = `easel: generate images with the Easel API

usage: easel COMMAND [options]       (easel COMMAND --help for a command's options)

  login                   save an API key (or sign in with email and password)
  logout                  forget the saved key
  generate "prompt"       make images, with a progress bar; -o out.png
  balance                 credits left
  ledger                  credit movements, newest first
  history                 your generations, newest first
  get ID [-o out.png]     one generation (and its images)
  cancel ID               cancel a generation (refunded)
  engines                 engines being served now
  keys create NAME | list | revoke ID
  buy [PACK] [--open]     credit packs; with PACK, the checkout link

global options: --base-url URL, --json (machine-readable output), --help, --version
environment: EASEL_API_KEY, EASEL_BASE_URL, EASEL_ENGINE, EASEL_CONFIG, EASEL_ACCESS_TOKEN
exit codes: 0 ok, 1 failed, 2 usage, 3 not logged in / refused, 4 not enough credits, 130 interrupted`;

/** Runs one command; returns the exit code. */
export async function run(argv: string[], io: Io, signal: AbortSignal): Promise<number> {
  const json = argv.includes('--json');
  try {
    return await dispatch(argv, io, signal);
  } catch (error) {
    return report(error, io, json, signal);
  }
}

async function dispatch(argv: string[], io: Io, signal: AbortSignal): Promise<number> {
  const { baseUrl, rest } = takeBaseUrl(argv);
  const [command, ...args] = rest;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command === 'generate' ? GENERATE_HELP : command === 'login' ? LOGIN_HELP : HELP}\n`);
    return 0;
  }
  const settings = await loadSettings({ baseUrl });
  if (command === 'login') {
    await loginCommand(baseUrl === undefined ? args : [...args, '--base-url', baseUrl], io, settings, signal);
    return 0;
  }
  if (command === 'logout') {
    await logoutCommand(io, settings);
    return 0;
  }
  const anonymous = new Easel({ baseUrl: settings.baseUrl });
  const context: CommandContext = {
    signal,
    loginClient: (options) => loginClient(anonymous, io, { ...options, savedEmail: settings.email }, signal),
  };
  if (command === 'keys') {
    await keysCommand(args, io, context);
    return 0;
  }
  const easel = authenticated(settings);
  switch (command) {
    case 'generate':
      await generateCommand(easel, args, io, { defaultEngine: settings.engine, signal });
      return 0;
    case 'balance':
      await balanceCommand(easel, args, io, context);
      return 0;
    case 'ledger':
      await ledgerCommand(easel, args, io, context);
      return 0;
    case 'history':
      await historyCommand(easel, args, io, context);
      return 0;
    case 'get':
      await getCommand(easel, args, io, context);
      return 0;
    case 'cancel':
      await cancelCommand(easel, args, io, context);
      return 0;
    case 'engines':
      await enginesCommand(easel, args, io, context);
      return 0;
    case 'buy':
      await buyCommand(easel, args, io, context);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function authenticated(settings: Settings): Easel {
  if (!settings.apiKey) {
    throw new AuthenticationError({
      status: 401,
      code: 'not_logged_in',
      message: 'not logged in: run `easel login`, or set EASEL_API_KEY',
      requestId: null,
      retryAfter: null,
    });
  }
  return new Easel({ apiKey: settings.apiKey, baseUrl: settings.baseUrl });
}

function takeBaseUrl(argv: string[]): { baseUrl: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let baseUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--base-url') baseUrl = argv[++i];
    else if (argv[i].startsWith('--base-url=')) baseUrl = argv[i].slice('--base-url='.length);
    else rest.push(argv[i]);
  }
  return { baseUrl, rest };
}

function report(error: unknown, io: Io, json: boolean, signal: AbortSignal): number {
  const code = exitCode(error, signal);
  const described = describe(error, signal);
  if (json) io.stderr.write(`${JSON.stringify({ error: described })}\n`);
  else {
    const id = described.requestId ? ` (request ${described.requestId})` : '';
    io.stderr.write(`easel: ${described.message}${id}\n`);
    if (code === 2) io.stderr.write('run `easel --help` for usage\n');
  }
  return code;
}

function exitCode(error: unknown, signal: AbortSignal): number {
  if (signal.aborted) return 130;
  if (error instanceof UsageError) return 2;
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return 2;
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) return 3;
  if (error instanceof InsufficientCreditsError) return 4;
  return 1;
}

function describe(
  error: unknown,
  signal: AbortSignal,
): { message: string; code?: string; requestId?: string } {
  if (signal.aborted) return { message: 'interrupted', code: 'interrupted' };
  if (error instanceof ApiError) {
    return {
      message: `${error.message} [${error.code}]`,
      code: error.code,
      ...(error.requestId && { requestId: error.requestId }),
    };
  }
  if (error instanceof GenerationError)
    return {
      message: `generation ${error.generation.id} ${error.status}: ${error.message}`,
      code: error.code,
    };
  if (error instanceof EaselError || error instanceof UsageError) return { message: error.message };
  if (error instanceof Error && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    return { message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
