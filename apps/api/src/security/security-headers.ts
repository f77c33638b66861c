import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/app-config.js';

/**
 * One Content-Security-Policy for everything this origin serves: the dashboard (a same-origin SPA at `/`, its
 * scripts and styles from our own files) and Swagger UI at /docs (its bundle from /docs/, one inline <style>).
 * Images may come from the object store (signed S3 URLs) and from data:/blob: URLs (previews, mask painting).
 */
export function contentSecurityPolicy(config: AppConfig): string {
  const storage = config.storage;
  const storeOrigin =
    storage.driver === 's3' && (storage.publicEndpoint ?? storage.endpoint)
      ? new URL((storage.publicEndpoint ?? storage.endpoint)!).origin
      : storage.driver === 'fs' && storage.publicBaseUrl
        ? new URL(storage.publicBaseUrl).origin
        : undefined;
  const images = [
    "'self'",
    'data:',
    'blob:',
    storage.driver === 's3' && !storeOrigin ? 'https:' : storeOrigin,
  ];
  const directives = [
    "default-src 'self'",
    "base-uri 'self'",
    "connect-src 'self'",
    "font-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    `img-src ${images.filter(Boolean).join(' ')}`,
    "media-src 'self' blob:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    // Production is served over HTTPS; on http://localhost this would break every subresource.
    ...(config.env === 'production' ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

/** Helmet's defaults, for what a browser renders: the dashboard, Swagger UI, the OpenAPI document. */
export function securityHeaders(config: AppConfig): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(config),
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...hsts(config),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
}

/**
 * API answers (JSON, signed files) are never rendered as pages: a policy that allows nothing is both stricter and
 * shorter. The full set above is 700 bytes; on every answer of a hot read it cost measurable throughput.
 */
export function apiSecurityHeaders(config: AppConfig): Record<string, string> {
  return {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    ...hsts(config),
    'x-content-type-options': 'nosniff',
  };
}

function hsts(config: AppConfig): Record<string, string> {
  return config.env === 'production'
    ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }
    : {};
}

const API_PREFIXES = ['/api/', '/v1/', '/health/', '/files/'];

export function installSecurityHeaders(fastify: FastifyInstance, config: AppConfig): void {
  const page = securityHeaders(config);
  const api = apiSecurityHeaders(config);
  fastify.addHook('onRequest', (request, reply, done) => {
    const { url } = request;
    void reply.headers(API_PREFIXES.some((prefix) => url.startsWith(prefix)) ? api : page);
    // Signed download URLs are meant to be embedded anywhere (<img> on a customer's site).
    if (url.startsWith('/files/')) void reply.header('cross-origin-resource-policy', 'cross-origin');
    done();
  });
}
