import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { componentSchemas } from './zod-schemas.js';

export const API_VERSION = '0.1.0';
const COMPONENTS = '#/components/schemas/';

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
    schemas: referencedOnly(document.paths, { ...document.components?.schemas, ...componentSchemas() }),
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

/** Keeps the component schemas the paths reach (transitively): contracts also holds schemas of other processes. */
function referencedOnly<T>(paths: object, schemas: Record<string, T>): Record<string, T> {
  const kept = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENTS)) {
        const id = value.slice(COMPONENTS.length);
        if (!kept.has(id) && id in schemas) {
          kept.add(id);
          visit(schemas[id]);
        }
      } else visit(value);
    }
  };
  visit(paths);
  return Object.fromEntries(Object.entries(schemas).filter(([id]) => kept.has(id)));
}
