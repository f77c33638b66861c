#!/usr/bin/env node
// `npm start`: the API and one GPU worker on embedded defaults — easel-tiny on the CPU, filesystem
// storage under data/ — as two processes, the way production runs them. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildWeb } from './web/build-web.mjs';

const root = path.resolve(import.meta.dirname, '..');
const env = { ...process.env };
const tinyModel = path.join(root, 'models', 'easel-tiny');
const engines = env.WORKER_ENGINES ?? (existsSync(tinyModel) ? `easel-tiny=${tinyModel}` : undefined);
const children = [];
let stopping = false;

function start(name, script, extraEnv, { quiet = false } = {}) {
  const child = spawn(process.execPath, [path.join(root, script)], {
    cwd: root,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping`);
      stop(typeof code === 'number' && code !== 0 ? code : 1);
    } else if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) {
      process.exit(0);
    }
  });
  children.push(child);
  return child;
}

function stop(code = 0) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 35_000).unref();
}

process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());

// The dashboard the API serves at /: rebuilt when its sources are newer than apps/web/dist.
try {
  buildWeb();
} catch (error) {
  console.error(`The dashboard did not build; the API starts without it.\n${error.message}`);
}

// Metrics on any free port (logged at start) unless METRICS_PORT says which: two checkouts can run side by side.
const api = start('API', 'apps/api/dist/main.js', { METRICS_PORT: env.METRICS_PORT ?? '0' });
if (engines) {
  // The worker starts once the API answers: when PostgreSQL or Redis is down, the API says so, once, and exits.
  void whenApiLive(api).then((live) => {
    if (!live || stopping) return;
    // The worker's logs stay quiet unless something goes wrong; WORKER_LOG_LEVEL=info shows them.
    start('GPU worker', 'apps/gpu-worker/dist/main.js', {
      WORKER_ENGINES: engines,
      LOG_LEVEL: env.WORKER_LOG_LEVEL ?? 'warn',
      HEALTH_PORT: env.HEALTH_PORT ?? '0',
    });
    void printGenerateHint();
  });
} else {
  console.error('No models/easel-tiny and no WORKER_ENGINES: starting the API without a GPU worker.');
}

async function whenApiLive(child) {
  const url = `http://127.0.0.1:${env.PORT ?? '3000'}/health/live`;
  while (child.exitCode === null && child.signalCode === null && !stopping) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

// Once the API has written the demo credentials, show how to make a picture with them.
async function printGenerateHint() {
  const file = path.join(env.DATA_DIR ?? path.join(root, 'data'), 'demo-account.json');
  const port = env.PORT ?? '3000';
  for (let i = 0; i < 120 && !stopping; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    let key;
    let demo;
    try {
      demo = JSON.parse(readFileSync(file, 'utf8'));
      key = demo.apiKey;
      const ready = await fetch(`http://127.0.0.1:${port}/api/engines`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const body = await ready.json();
      if (!body.data?.length) continue;
    } catch {
      continue;
    }
    const engine = engines.trim().startsWith('{')
      ? Object.keys(JSON.parse(engines))[0]
      : engines.split('=')[0];
    process.stdout.write(
      [
        `  Engine ${engine} is up. Generate in the dashboard (http://localhost:${port}/, sign in as`,
        `  ${demo.email} / ${demo.password}) or with the Stability v1 API:`,
        `  curl -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" -H "Accept: image/png" \\`,
        `    -d '{"text_prompts":[{"text":"a large red circle on the left on a blue background"}],"steps":20}' \\`,
        `    http://localhost:${port}/v1/generation/${engine}/text-to-image -o image.png`,
        '',
      ].join('\n') + '\n',
    );
    return;
  }
}
