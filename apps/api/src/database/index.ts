export { DatabaseModule, type DatabaseModuleAsyncOptions } from './database.module.js';
export { DATABASE_OPTIONS, DATABASE_URL, type DatabaseOptions } from './database.tokens.js';
export { PrismaService, type DbTransaction, DEFAULT_POOL_SIZE } from './prisma.service.js';
export { migrateDatabase, MigrationError, type MigrateOptions, type MigrateResult } from './migrate.js';
