import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { ErrorBody } from '@easel/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { isV1Route, v1ErrorName } from '../stability/v1-error-names.js';
import { mapError } from './error-mapping.js';

/** The one global filter: every error leaves as Stability v1's `{id, name, message}`. */
@Catch()
export class AllErrorsFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
    logger.setContext(AllErrorsFilter.name);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const native = mapError(error);
    // Stability v1 routes answer with v1's names (bad_request for invalid_request, …).
    const mapped = isV1Route(request.url)
      ? { ...native, ...v1ErrorName(native.code, native.status) }
      : native;
    if (mapped.unexpected) this.logger.error({ err: error, reqId: request.id }, 'unhandled error');
    const body: ErrorBody = { id: String(request.id), name: mapped.code, message: mapped.message };
    if (reply.sent) return;
    void reply
      .status(mapped.status)
      .headers(mapped.headers ?? {})
      .header('content-type', 'application/json; charset=utf-8')
      .send(body);
  }
}
