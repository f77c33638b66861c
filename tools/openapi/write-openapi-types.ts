// `npm run openapi:write` (second step): regenerates test/sdk/openapi-types.generated.ts from apps/api/openapi.json.
import { writeFile } from 'node:fs/promises';
import { OPENAPI_TYPES_PATH, openApiTypes } from './openapi-types.js';

await writeFile(OPENAPI_TYPES_PATH, await openApiTypes());
console.log(`wrote ${OPENAPI_TYPES_PATH}`);
