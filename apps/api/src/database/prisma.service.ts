import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '../generated/prisma/client.js';
import type { Prisma } from '../generated/prisma/client.js';
import { DATABASE_OPTIONS, type DatabaseOptions } from './database.tokens.js';
import { statementName } from './statement-names.js';

/** A Prisma interactive-transaction client (`prisma.$transaction(async (tx) => …)`). */
export type DbTransaction = Prisma.TransactionClient;

export const DEFAULT_POOL_SIZE = 10;

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(DATABASE_OPTIONS) options: DatabaseOptions) {
    super({
      adapter: new PrismaPg(
        { connectionString: options.url, max: options.poolSize ?? DEFAULT_POOL_SIZE },
        // pg's typing wants a name for every query; undefined (unnamed, simple protocol) is what it does without one.
        options.preparedStatements === false
          ? {}
          : { statementNameGenerator: statementName as (q: unknown) => string },
      ),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
