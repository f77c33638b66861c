import fastifyMultipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { AppLogger, createRootLogger } from './common/logging.js';
import { clientErrorHandler, frameworkErrorHandler } from './common/framework-errors.js';
import { requestIdFor } from './common/request-id.js';
import type { AppConfig } from './config/app-config.js';
import { ApiMetrics } from './observability/api-metrics.js';
import { installRequestHooks } from './observability/request-hooks.js';
import { serveOpenApi } from './openapi/openapi-document.js';
import { applyBodyLimits, MULTIPART_LIMITS } from './security/body-limits.js';
import { installCors } from './security/cors.js';
import { installSecurityHeaders } from './security/security-headers.js';
import { rewriteDashboardUrl } from './session/dashboard-routes.js';
import { serveWebApp } from './web/web-app.js';

export interface CreateAppOptions {
  /** Where JSON logs go (stdout by default); tests capture them. */
  logStream?: DestinationStream;
}

/**
 * Nest's shutdown runs onModuleDestroy (closing the PostgreSQL pool) before it closes the HTTP server.
 * Draining HTTP first, in the adapter's beforeClose step, lets in-flight requests finish with their pools open.
 */
class DrainingFastifyAdapter extends FastifyAdapter {
  drainMs = 65_000;

  // Nest awaits beforeClose (NestApplication.prepareClose), although its declared type says void.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  override async beforeClose(): Promise<void> {
    super.beforeClose();
    const fastify = this.getInstance();
    // A handler that never answers (a stuck dependency, a long stream) would hold close() open: cut it then.
    const deadline = setTimeout(() => fastify.server.closeAllConnections(), this.drainMs);
    try {
      await fastify.close();
    } finally {
      clearTimeout(deadline);
    }
  }
}

/** Builds the configured application (not yet listening): used by main, the tests, the benchmark and openapi:write. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const logger = createRootLogger(config, options.logStream);
  const metrics = new ApiMetrics({ enabled: config.metrics.enabled });
  const adapter = new DrainingFastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: requestIdFor,
    rewriteUrl: rewriteDashboardUrl,
    // Close idle keep-alive sockets on shutdown; in-flight requests still finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  adapter.drainMs = config.http.shutdownDrainMs;
  const fastify = adapter.getInstance();
  installRequestHooks(fastify, logger, metrics);
  installSecurityHeaders(fastify, config);
  installCors(fastify);
  applyBodyLimits(fastify, config);
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
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, { logger, metrics }),
    adapter,
    {
      bufferLogs: true,
      // request.rawBody: the Stripe webhook's signature covers the exact bytes received (Nest parses JSON from
      // the same buffer either way; this only keeps a reference to it).
      rawBody: true,
    },
  );
  app.useLogger(new AppLogger(await app.resolve(PinoLogger), {}));
  // Multipart (Stability v1 image routes read request.parts()): two image files.
  await app.register(fastifyMultipart, { limits: MULTIPART_LIMITS });
  app.enableShutdownHooks();
  serveOpenApi(app);
  serveWebApp(fastify, config.web.distDir);
  return app;
}
