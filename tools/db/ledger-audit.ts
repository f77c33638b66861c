// `npm run ledger:audit`: prove balance == sum(entries) and consistent balanceAfter chains for every account.
// Exits 1 on any mismatch (and 2 when the audit could not run). Also lists accounts flagged by billing for
// credits spent before a refund or dispute could take them back (they do not fail the audit).
import { BillingRepository } from '../../apps/api/src/billing/billing.repository.js';
import { PrismaService } from '../../apps/api/src/database/prisma.service.js';
import { LedgerRepository } from '../../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../../apps/api/src/ledger/ledger.service.js';

const MAX_LISTED = 20;
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/easel';
const prisma = new PrismaService({ url, poolSize: 1 });

try {
  const report = await new LedgerService(prisma, new LedgerRepository(prisma)).audit();
  console.log(
    `ledger audit: ${report.accounts} accounts, ${report.entries} entries, ${report.mismatches.length} mismatches`,
  );
  for (const m of report.mismatches.slice(0, MAX_LISTED)) {
    const credits = m.credits === null ? 'no balance row' : `balance ${m.credits}`;
    console.log(
      `  user ${m.userId}: ${credits}, sum of ${m.entries} entries ${m.sumOfEntries}, ${m.brokenLinks} broken balanceAfter links`,
    );
  }
  if (report.mismatches.length > MAX_LISTED)
    console.log(`  … and ${report.mismatches.length - MAX_LISTED} more`);
  const flagged = await new BillingRepository(prisma).flaggedAccounts(MAX_LISTED);
  console.log(
    `billing: ${flagged.total} ${flagged.total === 1 ? 'account' : 'accounts'} flagged (refunds or disputes of spent credits)`,
  );
  for (const a of flagged.accounts) {
    console.log(
      `  ${a.email}: shortfall ${a.shortfallCredits} credits, flagged ${a.flaggedAt.toISOString()} (user ${a.userId}; ${a.flagReason ?? ''})`,
    );
  }
  process.exitCode = report.mismatches.length === 0 ? 0 : 1;
} catch (error) {
  console.error(`ledger audit failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
} finally {
  await prisma.$disconnect();
}
