import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { Logger as NestPinoLogger, type Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';

/** Secrets that must never reach a log line, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password',
  'key',
  'token',
  'accessToken',
  'secret',
  '*.password',
  '*.key',
  '*.token',
  '*.accessToken',
  '*.secret',
];

/** The request being served, so log lines and audit events carry its id (and address) without passing it around. */
export const requestContext = new AsyncLocalStorage<{ requestId: string; clientIp: () => string }>();

/** One line per request in the pretty format: `GET /v1/user/balance 200 1.2 ms`. */
const PRETTY_MESSAGE =
  '{if context}[{context}] {end}{msg}{if req.method} {req.method} {req.url} {res.statusCode} {responseTime} ms{end}';

/**
 * The API's root logger: JSON lines in production (and tests), pino-pretty for a person in development when the
 * devDependency is installed. Every line made while serving a request carries its `reqId`.
 */
export function createRootLogger(config: AppConfig, stream?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    base: { service: 'api', pid: process.pid },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: () => {
      const context = requestContext.getStore();
      return context ? { reqId: context.requestId } : {};
    },
  };
  if (stream) return pino(options, stream);
  const pretty = config.logFormat === 'pretty' && prettyTransport();
  if (pretty) return pino({ ...options, transport: pretty });
  return pino(options, bufferedStdout());
}

/**
 * stdout written in 4 KiB chunks instead of one write(2) per line: the access log was the hot path's largest
 * single cost. A line waits at most FLUSH_MS; pino flushes synchronously when the process exits.
 */
function bufferedStdout(): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => destination.flush(), FLUSH_MS).unref();
  return destination;
}
const FLUSH_MS = 500;

/** Writes out what the buffered destination holds (at shutdown: Nest re-raises SIGTERM, which skips exit hooks). */
export function flushLogs(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void } | undefined>)[
    pino.symbols.streamSym
  ];
  try {
    stream?.flushSync?.();
  } catch {
    // nothing buffered, or the stream is already closed
  }
}

/** pino-pretty as a transport (its own thread), or false where it is not installed (a production image). */
export function prettyTransport(): LoggerOptions['transport'] | false {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    return false;
  }
  return {
    target: 'pino-pretty',
    options: {
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service,reqId,req,res,responseTime,context',
      messageFormat: PRETTY_MESSAGE,
      singleLine: true,
      destination: 1,
    },
  };
}

/**
 * nestjs-pino over our own logger, for PinoLogger and Nest's Logger. Its per-request middleware is not mounted
 * (forRoutes: none): the access log is a Fastify hook (see request-hooks.ts), a fraction of the middleware's cost.
 */
export function loggerParams(logger: Logger): Params {
  return { pinoHttp: { logger }, forRoutes: [] };
}

/** Nest's start-up chatter (one line per module and route): debug, so a person sees what matters at start. */
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

export class AppLogger extends NestPinoLogger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1);
    if (typeof context === 'string' && BOOT_CONTEXTS.has(context)) this.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}
