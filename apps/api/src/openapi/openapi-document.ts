import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { componentSchemas } from './zod-schemas.js';

export const API_VERSION = '0.1.0';

/** The OpenAPI document, generated from the controllers' decorators and the contracts schemas. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Easel API')
    .setDescription(
      'Credit-metered Stable Diffusion. Errors are `{id, name, message}` (Stability v1 shape); ' +
        '`id` is the request id, also sent as `X-Request-Id`.',
    )
    .setVersion(API_VERSION)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from login' },
      'jwt',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key (esl_…)' }, 'api-key')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...componentSchemas() },
  };
  return document;
}

/** Swagger UI at /docs and the document at /openapi.json. */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
  });
}
