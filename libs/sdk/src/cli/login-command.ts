// `easel login` / `easel logout`, and the password sign-in that key management needs.
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { Easel } from '../client.js';
import { readConfig, removeConfigKey, writeConfig, type Settings } from './config.js';
import { ask, printJson, readAll, UsageError, type Io } from './terminal.js';

export const LOGIN_HELP = `easel login [--key-stdin | --email EMAIL [--password-stdin]] [--base-url URL]

  (no flags)         asks for an API key, or for email and password on Enter
  --key-stdin        read the API key from stdin:  echo "$KEY" | easel login --key-stdin
  --email EMAIL      sign in with email and password; a new API key for this machine is created
  --password-stdin   read the password from stdin
The key is saved to the config file (mode 0600); EASEL_API_KEY and EASEL_BASE_URL override it.`;

export async function loginCommand(argv: string[], io: Io, settings: Settings, signal: AbortSignal) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'key-stdin': { type: 'boolean' },
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      json: { type: 'boolean' },
      'base-url': { type: 'string' },
    },
  });
  const anonymous = new Easel({ baseUrl: settings.baseUrl });
  let apiKey: string;
  let email = values.email;
  if (values['key-stdin']) {
    apiKey = (await readAll(io.stdin)).trim();
  } else if (email !== undefined) {
    apiKey = await keyFromPassword(anonymous, io, email, values['password-stdin'] === true, signal);
  } else if (!io.stdin.isTTY) {
    apiKey = (await readAll(io.stdin)).trim(); // `echo $KEY | easel login`
  } else {
    apiKey = await ask(io, 'API key (esl_…), or Enter to sign in with email and password: ', true);
    if (!apiKey) {
      email = await ask(io, 'Email: ');
      apiKey = await keyFromPassword(anonymous, io, email, false, signal);
    }
  }
  if (!apiKey) throw new UsageError('no API key given');
  // Check the key before saving it, so a typo fails here and not at the next command.
  const me = await anonymous.withOptions({ apiKey }).auth.me({ signal });
  const saved = await readConfig(settings.configPath);
  await writeConfig(settings.configPath, {
    ...saved,
    apiKey,
    email: me.email,
    ...(values['base-url'] !== undefined && { baseUrl: settings.baseUrl }),
  });
  if (values.json)
    return printJson(io, { email: me.email, credits: me.credits, config: settings.configPath });
  io.stdout.write(`logged in as ${me.email} (${me.credits} credits); key saved to ${settings.configPath}\n`);
  if (process.env.EASEL_API_KEY) io.stderr.write('note: EASEL_API_KEY is set and overrides the saved key\n');
}

export async function logoutCommand(io: Io, settings: Settings): Promise<void> {
  const removed = await removeConfigKey(settings.configPath);
  io.stdout.write(removed ? `removed the key from ${settings.configPath}\n` : 'not logged in\n');
}

/** Signs in and makes an API key for this machine (the access token itself expires within minutes). */
async function keyFromPassword(
  anonymous: Easel,
  io: Io,
  email: string,
  passwordFromStdin: boolean,
  signal: AbortSignal,
): Promise<string> {
  const owner = await loginClient(anonymous, io, { email, passwordStdin: passwordFromStdin }, signal);
  const key = await owner.keys.create(`easel CLI on ${hostname()}`, { signal });
  io.stderr.write(`created API key "${key.name}" (${key.prefix}…)\n`);
  return key.key;
}

/**
 * A client on a fresh login access token, for the routes that refuse API keys (key management):
 * EASEL_ACCESS_TOKEN when set, else email (flag or saved) and a password from stdin or the terminal.
 */
export async function loginClient(
  base: Easel,
  io: Io,
  options: {
    email?: string | undefined;
    passwordStdin?: boolean | undefined;
    savedEmail?: string | undefined;
  },
  signal: AbortSignal,
): Promise<Easel> {
  const token = process.env.EASEL_ACCESS_TOKEN;
  if (token) return base.withOptions({ apiKey: token });
  const email = options.email ?? options.savedEmail ?? (await ask(io, 'Email: '));
  const password = options.passwordStdin
    ? (await readAll(io.stdin)).replace(/\r?\n$/, '')
    : await ask(io, `Password for ${email}: `, true);
  const { accessToken } = await base.auth.login({ email, password }, { signal });
  return base.withOptions({ apiKey: accessToken });
}
