/**
 * Entry point of the GPU worker process: `npm run worker` (built) or, without a build,
 * `node --conditions=@easel/source --import ./tools/db/register.mjs apps/gpu-worker/src/main.ts`.
 * SIGTERM/SIGINT: finish the running job within SHUTDOWN_TIMEOUT_MS, take no new ones, exit 0.
 */
import { ConfigError, loadConfig } from './config.js';
import { GpuWorker } from './gpu-worker.js';
import { createWorkerLogger } from './logger.js';
import { checkWorkerDependencies } from './startup-checks.js';

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const problems = await checkWorkerDependencies(config);
if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.stderr.write('GPU worker not started.\n');
  process.exit(1);
}

const log = createWorkerLogger(config);
const worker = new GpuWorker(config, log);
const shutdownTimeoutMs = config.shutdownTimeoutMs;

let signaled = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signaled) return;
    signaled = true;
    log.info({ signal }, 'signal received');
    worker.shutdown(shutdownTimeoutMs).then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

try {
  await worker.start();
} catch (err) {
  log.fatal({ err }, 'worker failed to start');
  await worker.shutdown(0).catch(() => undefined);
  process.exit(1);
}
