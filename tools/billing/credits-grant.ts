// `npm run credits:grant -- --email a@b.c --credits 500 --reason "goodwill after incident 42"`
// Grants credits (or, with a negative number, takes them back, never below zero) as one ledger entry with
// its own reference (adjustment:<id>), recorded with the reason and who ran it. DATABASE_URL as for the API.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { AuditLogService } from '../../apps/api/src/audit/audit-log.service.js';
import { BillingRepository } from '../../apps/api/src/billing/billing.repository.js';
import { CreditAdjustmentsService } from '../../apps/api/src/billing/credit-adjustments.service.js';
import { PrismaService } from '../../apps/api/src/database/prisma.service.js';
import { LedgerRepository } from '../../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../../apps/api/src/ledger/ledger.service.js';

const USAGE = 'usage: npm run credits:grant -- --email EMAIL --credits N --reason "WHY" [--actor NAME]';

// `--credits -500` reads as an option to parseArgs: join a negative number to its flag.
const argv: string[] = [];
for (const arg of process.argv.slice(2)) {
  if (argv.at(-1) === '--credits' && /^-\d+$/.test(arg)) argv[argv.length - 1] = `--credits=${arg}`;
  else argv.push(arg);
}

let exitCode = 0;
let prisma: PrismaService | undefined;
try {
  const { values } = parseArgs({
    args: argv,
    options: {
      email: { type: 'string' },
      credits: { type: 'string' },
      reason: { type: 'string' },
      actor: { type: 'string' },
    },
  });
  if (!values.email || !values.credits || values.reason === undefined || !/^-?\d+$/.test(values.credits)) {
    throw new Error(USAGE);
  }
  prisma = new PrismaService({
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/easel',
    poolSize: 1,
  });
  const ledger = new LedgerService(prisma, new LedgerRepository(prisma));
  const audit = new AuditLogService(prisma);
  const adjustments = new CreditAdjustmentsService(new BillingRepository(prisma), ledger, audit);
  const result = await adjustments.adjust({
    email: values.email,
    credits: Number(values.credits),
    reason: values.reason,
    actor: values.actor ?? userInfo().username,
  });
  if (result.requested > 0) {
    console.log(
      `granted ${result.applied} credits to ${result.email}: balance ${result.balanceAfter} (${result.reference})`,
    );
  } else {
    const short = result.applied !== result.requested ? ` (only ${-result.applied} were left)` : '';
    console.log(
      `took back ${-result.applied} of ${-result.requested} credits from ${result.email}${short}: balance ${result.balanceAfter}` +
        (result.reference ? ` (${result.reference})` : ''),
    );
  }
} catch (error) {
  console.error(`credits:grant: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
} finally {
  await prisma?.$disconnect();
}
process.exitCode = exitCode;
