// Nest wiring: DatabaseModule (global) + LedgerModule resolve under SWC's decorator metadata.
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

import {
  createTestUser,
  deleteTestUsers,
  migrateTestDatabase,
  testDatabaseUrl,
} from '../../../../test/support/database.js';
import { DATABASE_URL, DatabaseModule, PrismaService } from '../database/index.js';
import { LedgerModule } from './ledger.module.js';
import { LedgerService } from './ledger.service.js';

let moduleRef: Awaited<ReturnType<ReturnType<typeof Test.createTestingModule>['compile']>>;

beforeAll(async () => {
  await migrateTestDatabase();
  moduleRef = await Test.createTestingModule({
    imports: [
      DatabaseModule.forRootAsync({ useFactory: () => ({ url: testDatabaseUrl(), poolSize: 2 }) }),
      LedgerModule,
    ],
  }).compile();
  await moduleRef.init();
});
afterAll(() => moduleRef.close());

it('provides PrismaService, DATABASE_URL and a working LedgerService', async () => {
  const prisma = moduleRef.get(PrismaService);
  expect(moduleRef.get(DATABASE_URL)).toBe(testDatabaseUrl());
  const { id } = await createTestUser(prisma, { credits: 7 });
  try {
    const ledger = moduleRef.get(LedgerService);
    await ledger.debit(id, 2, `module:${id}`);
    expect(await ledger.getBalance(id)).toBe(5);
  } finally {
    await deleteTestUsers(prisma, [id]);
  }
});
