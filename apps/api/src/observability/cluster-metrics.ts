import { AggregatorRegistry } from 'prom-client';
import type { AppConfig } from '../config/app-config.js';
import { MetricsServer } from './metrics-server.js';

/**
 * The node:cluster primary's /metrics: every HTTP worker's registry, gathered over IPC and summed (queue gauges,
 * which every worker reads alike, take the maximum). The workers hand their registry over in MetricsEndpoint.
 */
export async function serveClusterMetrics(config: AppConfig): Promise<void> {
  const aggregator = new AggregatorRegistry();
  const { host, port, token } = config.metrics;
  const bound = await new MetricsServer(() => aggregator.clusterMetrics(), token).listen(host, port);
  console.error(`metrics of all workers on http://${host}:${bound}/metrics`);
}
