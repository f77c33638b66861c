import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import type { Params } from 'nestjs-pino';
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

/** nestjs-pino parameters: JSON lines, one per request, tagged with the request id. */
export function loggerParams(config: AppConfig, stream?: DestinationStream): Params {
  const options: Options<IncomingMessage, ServerResponse> = {
    level: config.logLevel,
    genReqId: (req) => req.id,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    customLogLevel: (_req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      return res.statusCode >= 400 ? 'warn' : 'info';
    },
    // Method and path only: headers carry credentials, and the query string is not needed to follow a request.
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url.split('?')[0],
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
  return {
    pinoHttp: stream ? [options, stream] : options,
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
  };
}
