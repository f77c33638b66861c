// The `easel` command's settings: a JSON file only its owner can read (mode 0600), overridden by EASEL_API_KEY,
// EASEL_BASE_URL and EASEL_ENGINE, and by --base-url.
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

export interface SavedConfig {
  apiKey?: string;
  baseUrl?: string;
  email?: string;
  engine?: string;
}

export interface Settings {
  apiKey: string | undefined;
  baseUrl: string;
  email: string | undefined;
  engine: string | undefined;
  configPath: string;
}

export const DEFAULT_BASE_URL = 'http://localhost:3000';

/** $EASEL_CONFIG, else $XDG_CONFIG_HOME/easel/config.json, else ~/.config/easel/config.json. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EASEL_CONFIG) return path.resolve(env.EASEL_CONFIG);
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'easel', 'config.json');
}

export async function readConfig(file: string): Promise<SavedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    return JSON.parse(text) as SavedConfig;
  } catch {
    throw new Error(`${file} is not valid JSON; fix or delete it`);
  }
}

/** Written to a temp file with mode 0600 and renamed, so the key is never readable by others, even briefly. */
export async function writeConfig(file: string, config: SavedConfig): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600); // the umask could have narrowed it, never widened; be exact anyway
  await rename(temp, file);
}

export async function removeConfigKey(file: string): Promise<boolean> {
  const config = await readConfig(file);
  if (!config.apiKey) return false;
  delete config.apiKey;
  if (Object.keys(config).length === 0) await rm(file, { force: true });
  else await writeConfig(file, config);
  return true;
}

export async function loadSettings(
  flags: { baseUrl?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Settings> {
  const file = configPath(env);
  const saved = await readConfig(file);
  return {
    apiKey: env.EASEL_API_KEY || saved.apiKey,
    baseUrl: flags.baseUrl || env.EASEL_BASE_URL || saved.baseUrl || DEFAULT_BASE_URL,
    email: saved.email,
    engine: env.EASEL_ENGINE || saved.engine,
    configPath: file,
  };
}
