import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FilesystemObjectStore } from '@easel/storage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidRequestError, NotFoundError, PermissionDeniedError } from '../common/domain-errors.js';
import { ObjectStoreHolder } from './object-store.provider.js';

/** `GET /files/<key>?expires=…&sig=…`: the filesystem driver's signed download URLs (S3 URLs point at S3). */
@ApiExcludeController()
@Controller()
export class FilesController {
  constructor(private readonly holder: ObjectStoreHolder) {}

  // Fastify's route syntax: the adapter hands the path to Fastify unchanged.
  @Get('files/*')
  async file(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { store } = this.holder;
    if (!(store instanceof FilesystemObjectStore))
      throw new NotFoundError('Files are served by the object store');
    const url = new URL(request.url, 'http://localhost');
    let key: string;
    try {
      key = url.pathname.slice('/files/'.length).split('/').map(decodeURIComponent).join('/');
    } catch {
      throw new InvalidRequestError('The file path is not a valid object key.');
    }
    // Fastify's parsed query keeps repeated parameters as arrays, which the verifier rejects as malformed.
    const result = await store.serveSignedFile(key, request.query as Record<string, unknown>);
    if (!result.ok) {
      if (result.status === 400) throw new InvalidRequestError(result.message);
      if (result.status === 403) throw new PermissionDeniedError(result.message);
      throw new NotFoundError(result.message);
    }
    await reply
      .status(200)
      .header('content-type', result.contentType)
      .header('cache-control', result.cacheControl)
      .send(result.bytes);
  }
}
