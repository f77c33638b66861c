// The committed OpenAPI document is valid OpenAPI (checked by a maintained validator, offline), and the types
// the SDK is compared against (sdk-types-match-openapi.ts) were generated from this very document.
import { readFile } from 'node:fs/promises';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { OPENAPI_PATH, OPENAPI_TYPES_PATH, openApiTypes } from '../../tools/openapi/openapi-types.js';

describe('apps/api/openapi.json', () => {
  it('validates against the OpenAPI 3 schema, with every $ref resolving', async () => {
    const document = JSON.parse(await readFile(OPENAPI_PATH, 'utf8')) as object;
    const api = await SwaggerParser.validate(document as never);
    expect(api.info.title).toBe('Easel API');
  });

  it('test/sdk/openapi-types.generated.ts is what openapi-typescript makes of it now', async () => {
    // On failure: run `npm run openapi:write` and commit the result; the typecheck then compares the SDK's types.
    expect(await readFile(OPENAPI_TYPES_PATH, 'utf8')).toBe(await openApiTypes());
  });
});
