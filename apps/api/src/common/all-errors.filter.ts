import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { ErrorBody } from '@easel/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
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
    const mapped = mapError(error);
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
