import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/** The shared command connection (auto-pipelined: many concurrent requests share round trips). */
export const REDIS = Symbol('REDIS');
/** A second connection reserved for SUBSCRIBE, which blocks a connection for anything else. */
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');

function connect(config: AppConfig, name: 'commands' | 'events'): Redis {
  const commands = name === 'commands';
  const redis = new Redis(config.redis.url, {
    connectionName: `easel-api-${name}`,
    enableAutoPipelining: commands,
    // A subscribed connection may not run INFO, which the ready check sends on reconnect.
    enableReadyCheck: commands,
    maxRetriesPerRequest: 2,
    // A request waits at most this long on Redis (rate limits fail open, health reports it down).
    commandTimeout: commands ? 1_000 : undefined,
  });
  // ioredis reconnects by itself; without a listener it would print every failed attempt unstructured.
  const logger = new Logger(`Redis:${name}`);
  redis.on('error', (error: Error) => logger.warn(`Redis connection error: ${error.message}`));
  return redis;
}

@Global()
@Module({
  providers: [
    { provide: REDIS, useFactory: (config: AppConfig) => connect(config, 'commands'), inject: [APP_CONFIG] },
    {
      provide: REDIS_SUBSCRIBER,
      useFactory: (config: AppConfig) => connect(config, 'events'),
      inject: [APP_CONFIG],
    },
  ],
  exports: [REDIS, REDIS_SUBSCRIBER],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_SUBSCRIBER) private readonly subscriber: Redis,
  ) {}

  // After the HTTP server has drained: in-flight requests may still need Redis.
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.redis.quit(), this.subscriber.quit()]);
  }
}
