// `npm run openapi:write`: regenerates the committed apps/api/openapi.json from the code.
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/app-config.js';
import { createApp } from '../create-app.js';
import { buildOpenApiDocument } from './openapi-document.js';

/** apps/api/{src,dist}/openapi → apps/api/openapi.json */
export const COMMITTED_OPENAPI_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../openapi.json',
);

export function serializeOpenApi(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function main(): Promise<void> {
  // The document does not depend on configuration; a scratch DATA_DIR keeps this from touching ./data.
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'warn',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'easel-openapi-')),
  });
  const app = await createApp(config);
  await app.init();
  try {
    writeFileSync(COMMITTED_OPENAPI_PATH, serializeOpenApi(buildOpenApiDocument(app)));
    console.log(`wrote ${COMMITTED_OPENAPI_PATH}`);
  } finally {
    await app.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
