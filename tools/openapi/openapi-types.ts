// TypeScript types generated from the committed OpenAPI document (openapi-typescript), formatted like our code.
// test/sdk/sdk-types-match-openapi.ts compares the SDK's hand-written types with them, so the two cannot drift.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import prettier from 'prettier';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OPENAPI_PATH = path.join(ROOT, 'apps/api/openapi.json');
export const OPENAPI_TYPES_PATH = path.join(ROOT, 'test/sdk/openapi-types.generated.ts');

const HEADER = `// Generated from apps/api/openapi.json by \`npm run openapi:write\` (openapi-typescript); do not edit.\n\n`;

export async function openApiTypes(): Promise<string> {
  const document = JSON.parse(await readFile(OPENAPI_PATH, 'utf8')) as OpenAPI3;
  // Fields with defaults stay optional, as a client sends them.
  const ast = await openapiTS(document, { defaultNonNullable: false });
  const options = await prettier.resolveConfig(OPENAPI_TYPES_PATH);
  return prettier.format(HEADER + astToString(ast), { ...options, parser: 'typescript' });
}
