// `npm run ledger:audit` on a throw-away database: clean → exit 0; a corrupted balance or chain → exit 1.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrismaService } from '../../apps/api/src/database/prisma.service.js';
import { LedgerRepository } from '../../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../../apps/api/src/ledger/ledger.service.js';
import { createScratchDatabase, createTestUser } from '../support/database.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

async function audit(url: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '-s', 'ledger:audit'], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: url },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let prisma: PrismaService;
let ledger: LedgerService;
let victim: string;

beforeAll(async () => {
  scratch = await createScratchDatabase('easel_audit');
  prisma = new PrismaService({ url: scratch.url, poolSize: 2 });
  ledger = new LedgerService(prisma, new LedgerRepository(prisma));
  for (let u = 0; u < 3; u++) {
    const { id } = await createTestUser(prisma, { credits: 10 });
    await ledger.debit(id, 3, `a:${id}`);
    await ledger.refund(id, 1, `b:${id}`);
    await ledger.debit(id, 2, `c:${id}`);
    victim = id;
  }
});
afterAll(async () => {
  await prisma.$disconnect();
  await scratch.drop();
});

describe('npm run ledger:audit', () => {
  it('passes a consistent ledger', async () => {
    const { code, stdout } = await audit(scratch.url);
    expect(stdout).toContain('ledger audit: 3 accounts, 12 entries, 0 mismatches');
    expect(code).toBe(0);
  });

  it('fails when a balance no longer equals the sum of its entries', async () => {
    await prisma.$executeRaw`UPDATE credit_balances SET credits = credits + 5 WHERE user_id = ${victim}::uuid`;
    const { code, stdout } = await audit(scratch.url);
    expect(code).toBe(1);
    expect(stdout).toContain('1 mismatches');
    expect(stdout).toContain(`user ${victim}: balance 11, sum of 4 entries 6, 0 broken balanceAfter links`);
    await prisma.$executeRaw`UPDATE credit_balances SET credits = credits - 5 WHERE user_id = ${victim}::uuid`;
  });

  it('fails when a balanceAfter chain is broken even though the sum still matches', async () => {
    await prisma.$executeRaw`UPDATE ledger_entries SET balance_after = balance_after + 1 WHERE reference = ${`b:${victim}`}`;
    const report = await ledger.audit();
    expect(report.mismatches).toEqual([
      { userId: victim, credits: 6, sumOfEntries: 6, entries: 4, brokenLinks: 2 },
    ]);
    const { code } = await audit(scratch.url);
    expect(code).toBe(1);
  });

  it('exits 2, not 0, when it cannot audit at all', async () => {
    const missing = new URL(scratch.url);
    missing.pathname = `/${scratch.name}_missing`;
    const { code, stderr } = await audit(missing.toString());
    expect(code).toBe(2);
    expect(stderr).toContain('ledger audit failed');
  });
});
