import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config.js';
import { EnvSchema } from './config.schema.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'easel-config-'));

describe('loadConfig', () => {
  it('applies the embedded defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toBe('postgresql://postgres@127.0.0.1:5432/easel');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.demoAccount).toBe(true);
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), RATE_LIMIT_API_KEY_MAX: '0' })).toThrow(ConfigError);
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  it('generates a local JWT secret once and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).jwt.secret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dir }).jwt.secret).toBe(first);
    expect(readFileSync(path.join(dir, 'jwt-secret'), 'utf8').trim()).toBe(first);
  });
});

describe('.env.example', () => {
  const examplePath = path.resolve(import.meta.dirname, '../../../../.env.example');
  const lines = readFileSync(examplePath, 'utf8').split('\n');
  const documented = lines
    .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);

  it('documents exactly the variables the API reads', () => {
    // A failure here: a variable was added to EnvSchema (or removed) without updating .env.example.
    expect([...documented].sort(), 'variables in .env.example').toEqual(Object.keys(EnvSchema.shape).sort());
  });

  it('holds values the API accepts', () => {
    const values = Object.fromEntries(
      lines.flatMap((line) => {
        const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
        return match ? [[match[1], match[2]]] : [];
      }),
    );
    expect(() => loadConfig({ ...values, DATA_DIR: dataDir() })).not.toThrow();
  });
});
