/** The worker's logger: JSON lines in production and tests, pino-pretty for a person in development. */
import { createRequire } from 'node:module';
import { pino, type Logger, type LoggerOptions } from 'pino';
import type { WorkerConfig } from './config.js';

export function createWorkerLogger(config: WorkerConfig): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    base: { service: 'gpu-worker', workerId: config.workerId },
  };
  if (config.logFormat === 'pretty' && prettyInstalled()) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: {
          colorize: process.stderr.isTTY === true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service,workerId',
          messageFormat: '[worker] {msg}{if reqId} (request {reqId}){end}',
          singleLine: true,
          destination: 1,
        },
      },
    });
  }
  return pino(options);
}

/** pino-pretty is a devDependency: a production image has none and logs JSON. */
function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
