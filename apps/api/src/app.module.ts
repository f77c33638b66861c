import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoRootLogger } from 'pino';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BalanceModule } from './balance/balance.module.js';
import { BillingModule } from './billing/billing.module.js';
import { AllErrorsFilter } from './common/all-errors.filter.js';
import { loggerParams } from './common/logging.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/index.js';
import { GenerationsModule } from './generations/generations.module.js';
import { HealthModule } from './health/health.module.js';
import { KeysModule } from './keys/keys.module.js';
import type { ApiMetrics } from './observability/api-metrics.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { PricingModule } from './pricing/pricing.module.js';
import { RedisModule } from './redis/redis.module.js';
import { SessionModule } from './session/session.module.js';
import { StabilityModule } from './stability/stability.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppModuleOptions {
  /** The root logger (createRootLogger) and the metrics registry, made by createApp. */
  logger: PinoRootLogger;
  metrics: ApiMetrics;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(options.logger)),
        ObservabilityModule.forRoot(options.metrics, options.logger),
        DatabaseModule.forRoot({
          url: config.database.url,
          preparedStatements: config.database.preparedStatements,
        }),
        RedisModule,
        AuditModule,
        AuthModule,
        KeysModule,
        UsersModule,
        BalanceModule,
        PricingModule,
        HealthModule,
        GenerationsModule,
        StabilityModule,
        BillingModule,
        SessionModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllErrorsFilter }],
    };
  }
}
