// A LedgerService on the test database, plus bookkeeping so each test file deletes the users it made.
import { LedgerRepository } from '../../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../../apps/api/src/ledger/ledger.service.js';
import type { PrismaService } from '../../apps/api/src/database/prisma.service.js';
import {
  createTestPrisma,
  createTestUser,
  deleteTestUsers,
  migrateTestDatabase,
} from '../support/database.js';

export interface LedgerFixture {
  prisma: PrismaService;
  ledger: LedgerService;
  /** A fresh user with `credits` (one grant entry), removed again by close(). */
  user: (credits?: number) => Promise<string>;
  /** Audit mismatches that concern this fixture's users (other test files share the database). */
  ownMismatches: () => Promise<unknown[]>;
  close: () => Promise<void>;
}

export async function openLedgerFixture(poolSize = 10): Promise<LedgerFixture> {
  await migrateTestDatabase();
  const prisma = createTestPrisma(poolSize);
  await prisma.$connect();
  const ledger = new LedgerService(prisma, new LedgerRepository(prisma));
  const users: string[] = [];
  return {
    prisma,
    ledger,
    user: async (credits = 0) => {
      const { id } = await createTestUser(prisma, { credits });
      users.push(id);
      return id;
    },
    ownMismatches: async () => {
      const report = await ledger.audit();
      return report.mismatches.filter((m) => users.includes(m.userId));
    },
    close: async () => {
      await deleteTestUsers(prisma, users);
      await prisma.$disconnect();
    },
  };
}
