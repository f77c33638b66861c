import fastifyMultipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { requestIdFor } from './common/request-id.js';
import type { AppConfig } from './config/app-config.js';
import { serveOpenApi } from './openapi/openapi-document.js';

/**
 * Nest's shutdown runs onModuleDestroy (closing the PostgreSQL pool) before it closes the HTTP server.
 * Draining HTTP first, in the adapter's beforeClose step, lets in-flight requests finish with their pools open.
 */
class DrainingFastifyAdapter extends FastifyAdapter {
  // Nest awaits beforeClose (NestApplication.prepareClose), although its declared type says void.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  override async beforeClose(): Promise<void> {
    super.beforeClose();
    await this.getInstance().close();
  }
}

/** Builds the configured application (not yet listening): used by main, the tests, the benchmark and openapi:write. */
export async function createApp(
  config: AppConfig,
  options: AppModuleOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new DrainingFastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: requestIdFor,
    // Close idle keep-alive sockets on shutdown; in-flight requests still finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // JSON only: without this Fastify would hand text/plain bodies to the handlers as strings.
  fastify.removeContentTypeParser('text/plain');
  // Once closing, answers end their keep-alive connection, so the server can finish draining.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), adapter, {
    bufferLogs: true,
    // request.rawBody: the Stripe webhook's signature covers the exact bytes received (Nest parses JSON from
    // the same buffer either way; this only keeps a reference to it).
    rawBody: true,
  });
  app.useLogger(app.get(Logger));
  // Multipart (Stability v1 image routes read request.parts()): two image files, bounded like JSON bodies.
  await app.register(fastifyMultipart, {
    limits: { fileSize: 10 * 1_048_576, files: 2, fields: 200, parts: 202 },
  });
  app.enableShutdownHooks();
  serveOpenApi(app);
  return app;
}
