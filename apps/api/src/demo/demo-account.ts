import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import { hashPassword } from '../auth/password-hasher.js';
import type { AppConfig } from '../config/app-config.js';
import { ApiKeysService } from '../keys/api-keys.service.js';
import { UsersRepository } from '../users/users.repository.js';

export const DEMO_EMAIL = 'demo@easel.local';

export interface DemoCredentials {
  email: string;
  password: string;
  apiKey: string;
}

/**
 * The local demo account that `npm start` prints. Its password and API key live in DATA_DIR/demo-account.json
 * (mode 600) and are reused across restarts while they still work, so a restart does not mint a new key.
 */
export async function ensureDemoAccount(
  app: INestApplicationContext,
  config: AppConfig,
): Promise<DemoCredentials> {
  const file = path.join(config.dataDir, 'demo-account.json');
  const saved = readSaved(file);
  const auth = app.get(AuthService);
  const users = app.get(UsersRepository);
  const keys = app.get(ApiKeysService);

  let password = saved?.password ?? randomBytes(12).toString('base64url');
  let user = await users.findByEmail(DEMO_EMAIL);
  if (!user) {
    await auth.signup({ email: DEMO_EMAIL, password });
    user = await users.findByEmail(DEMO_EMAIL);
    if (!user) throw new Error('demo account vanished after sign-up');
  } else if (!saved || !(await auth.passwordMatches(DEMO_EMAIL, saved.password))) {
    // The saved password is gone (fresh DATA_DIR against an old database): set a new one.
    password = randomBytes(12).toString('base64url');
    await users.setPasswordHash(user.id, await hashPassword(password));
  }

  let apiKey = saved?.apiKey;
  if (!apiKey || !(await keyBelongsTo(keys, apiKey, user.id))) {
    apiKey = (await keys.create(user.id, 'demo')).key;
  }
  const credentials = { email: DEMO_EMAIL, password, apiKey };
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

export function printDemoBanner(url: string, demo: DemoCredentials): void {
  const lines = [
    '',
    `Easel API listening on ${url}`,
    `  Dashboard:  ${url}/`,
    `  API docs:   ${url}/docs`,
    `  Demo login: ${demo.email} / ${demo.password}`,
    `  API key:    ${demo.apiKey}`,
    '',
    `  curl -H "Authorization: Bearer ${demo.apiKey}" ${url}/v1/user/balance`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function keyBelongsTo(keys: ApiKeysService, apiKey: string, userId: string): Promise<boolean> {
  try {
    return (await keys.authenticate(apiKey)).userId === userId;
  } catch {
    return false;
  }
}

function readSaved(file: string): DemoCredentials | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoCredentials>;
    if (typeof parsed.password === 'string' && typeof parsed.apiKey === 'string') {
      return { email: DEMO_EMAIL, password: parsed.password, apiKey: parsed.apiKey };
    }
  } catch {
    // Missing or unreadable: start afresh.
  }
  return undefined;
}
