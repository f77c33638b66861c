import { migrateDatabase } from './database/index.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { createApp } from './create-app.js';
import { ensureDemoAccount, printDemoBanner } from './demo/demo-account.js';

async function main(): Promise<void> {
  // The one place that reads process.env.
  const config = loadConfig(process.env);
  if (config.database.autoMigrate) {
    await migrateDatabase(config.database.url, { log: (message) => console.error(`[migrate] ${message}`) });
  }
  const app = await createApp(config);
  await app.listen({ port: config.http.port, host: config.http.host });
  const url = publicUrl(config.http.host, (app.getHttpServer().address() as { port: number }).port);
  if (config.demoAccount) printDemoBanner(url, await ensureDemoAccount(app, config));
  else console.error(`Easel API listening on ${url}`);
}

function publicUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('Easel API failed to start:', error);
  process.exit(1);
});
