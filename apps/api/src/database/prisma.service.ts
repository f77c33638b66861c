import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { PrismaClient } from '../generated/prisma/client.js';
import type { Prisma } from '../generated/prisma/client.js';
import { DATABASE_OPTIONS, type DatabaseOptions } from './database.tokens.js';

/** A Prisma interactive-transaction client (`prisma.$transaction(async (tx) => …)`). */
export type DbTransaction = Prisma.TransactionClient;

export const DEFAULT_POOL_SIZE = 10;

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  /**
   * The pg pool under Prisma's adapter, for the few hot reads that skip Prisma's query interpreter
   * (named prepared statements, see LedgerRepository.balanceOf). Same connections, no second pool.
   */
  readonly pool: pg.Pool;

  constructor(@Inject(DATABASE_OPTIONS) options: DatabaseOptions) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? DEFAULT_POOL_SIZE });
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    if (!this.pool.ended) await this.pool.end();
  }
}
