import cluster from 'node:cluster';
import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger as PinoRootLogger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { flushLogs } from '../common/logging.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ApiMetrics } from './api-metrics.js';
import { MetricsServer } from './metrics-server.js';
import { QueueMetricsCollector } from './queue-metrics.js';

/**
 * Serves /metrics on METRICS_PORT. In a node:cluster the primary serves the workers' metrics summed
 * (cluster-primary.ts), so a worker only hands its registry to prom-client's cluster aggregation.
 */
@Injectable()
export class MetricsEndpoint implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(MetricsEndpoint.name);
  private server: MetricsServer | undefined;
  /** The bound port (METRICS_PORT=0 picks one: tests). */
  port: number | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: ApiMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, host, port, token } = this.config.metrics;
    if (!enabled) return;
    if (cluster.isWorker) {
      // Constructing one is what makes this worker answer the primary's requests for its metrics.
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([this.metrics.registry]);
      return;
    }
    this.server = new MetricsServer(() => this.metrics.render(), token);
    this.port = await this.server.listen(host, port);
    this.log.log(`metrics on http://${host}:${this.port}/metrics${token ? ' (bearer token)' : ''}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}

const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** The last thing at shutdown: the buffered log lines reach stdout. */
@Injectable()
export class LogFlusher implements OnApplicationShutdown {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: PinoRootLogger) {}

  onApplicationShutdown(): void {
    flushLogs(this.logger);
  }
}

@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(metrics: ApiMetrics, logger: PinoRootLogger): DynamicModule {
    return {
      module: ObservabilityModule,
      providers: [
        { provide: ApiMetrics, useValue: metrics },
        { provide: ROOT_LOGGER, useValue: logger },
        QueueMetricsCollector,
        MetricsEndpoint,
        LogFlusher,
      ],
      exports: [ApiMetrics],
    };
  }
}
