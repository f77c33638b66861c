import type { SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

const COMPONENTS = '#/components/schemas/';

/** Every contracts schema that carries `.meta({ id })`, as OpenAPI components. */
export function componentSchemas(): Record<string, SchemaObject> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'openapi-3.0',
    io: 'input',
    uri: (id) => `${COMPONENTS}${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, schema]) => [id, stripIds(schema) as SchemaObject]),
  );
}

/** A `$ref` for a registered schema, the schema inline otherwise. */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: `${COMPONENTS}${id}` } as SchemaObject;
  return stripIds(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }));
}

function stripIds(schema: object): object {
  const { $id: _id, $schema: _schema, ...rest } = schema as Record<string, unknown>;
  return withoutJsonSchemaOnlyKeywords(rest) as object;
}

/**
 * Drops keywords zod emits that OpenAPI 3.0's schema object does not have (`contentEncoding`, from z.base64();
 * `format: base64` already says it), so validators accept the document.
 */
function withoutJsonSchemaOnlyKeywords(node: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutJsonSchemaOnlyKeywords(item));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => isPropertyMap || key !== 'contentEncoding')
      .map(([key, value]) => [
        key,
        withoutJsonSchemaOnlyKeywords(value, !isPropertyMap && key === 'properties'),
      ]),
  );
}
