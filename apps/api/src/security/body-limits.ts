import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/app-config.js';

/** Largest image file in a multipart request, and how many parts one may have (two images and their fields). */
export const MULTIPART_LIMITS = { fileSize: 10 * 1_048_576, files: 2, fields: 200, parts: 202 };

/**
 * Routes that take images in their body (base64 in JSON, or multipart). Every other route takes small JSON, so a
 * client cannot make the API buffer megabytes where a few kilobytes are all it can use.
 */
const IMAGE_ROUTES = new Set([
  'POST /api/generations',
  'POST /v1/generation/:engine_id/image-to-image',
  'POST /v1/generation/:engine_id/image-to-image/masking',
]);

/** Per-route body limits, set as each route is registered; larger bodies answer 413 payload_too_large. */
export function applyBodyLimits(fastify: FastifyInstance, config: AppConfig): void {
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.some((method) => IMAGE_ROUTES.has(`${method} ${route.url}`)))
      route.bodyLimit = config.http.imageBodyLimitBytes;
  });
}

export function isImageRoute(method: string, url: string): boolean {
  return IMAGE_ROUTES.has(`${method} ${url}`);
}
