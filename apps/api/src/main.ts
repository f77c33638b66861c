import cluster from 'node:cluster';
import { runClusterPrimary } from './cluster-primary.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { createApp } from './create-app.js';
import { migrateDatabase } from './database/index.js';
import { ensureDemoAccount, printDemoBanner } from './demo/demo-account.js';
import { serveClusterMetrics } from './observability/cluster-metrics.js';
import { checkApiDependencies } from './startup/dependency-checks.js';

const log = (message: string): void => console.error(message);

async function main(): Promise<void> {
  // The one place that reads process.env.
  const config = loadConfig(process.env);
  const clustered = config.http.workers > 1;
  if (!cluster.isWorker) {
    const problems = await checkApiDependencies(config);
    if (problems.length > 0) {
      for (const problem of problems) log(problem);
      log('Easel API not started.');
      process.exit(1);
    }
  }
  if (config.database.autoMigrate && !cluster.isWorker) {
    await migrateDatabase(config.database.url, { log: (message) => log(`[migrate] ${message}`) });
  }
  if (clustered && cluster.isPrimary) {
    runClusterPrimary(config.http.workers, log);
    if (config.metrics.enabled) await serveClusterMetrics(config);
    return;
  }

  const app = await createApp(config);
  await app.listen({ port: config.http.port, host: config.http.host });
  const url = publicUrl(config.http.host, (app.getHttpServer().address() as { port: number }).port);
  // In a cluster, the first worker speaks for all.
  if (clustered && cluster.worker?.id !== 1) return;
  if (config.demoAccount) printDemoBanner(url, await ensureDemoAccount(app, config));
  else log(`Easel API listening on ${url}${clustered ? ` (${config.http.workers} workers)` : ''}`);
}

function publicUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) log(error.message);
  else
    log(
      `Easel API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  process.exit(1);
});
