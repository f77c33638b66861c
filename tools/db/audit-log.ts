// `npm run audit:log -- [--user <id|email>] [--action login.failed] [--since 24h] [--limit 50] [--json]`:
// the audit trail (key creation and revocation, logins, purchases, support grants), newest first.
// Operators run it where DATABASE_URL reaches PostgreSQL (a migration Job's image, a bastion); nothing serves it
// over HTTP.
import { parseArgs } from 'node:util';
import { parseSince, readAuditEvents } from '../../apps/api/src/audit/audit-query.js';
import { PrismaService } from '../../apps/api/src/database/prisma.service.js';

const { values } = parseArgs({
  options: {
    user: { type: 'string' },
    action: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string', default: '50' },
    json: { type: 'boolean', default: false },
  },
});
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/easel';
const prisma = new PrismaService({ url, poolSize: 1 });

try {
  const rows = await readAuditEvents(prisma, {
    user: values.user,
    action: values.action,
    since: values.since ? parseSince(values.since) : undefined,
    limit: Math.min(10_000, Math.max(1, Number(values.limit) || 50)),
  });
  for (const row of rows) {
    if (values.json) console.log(JSON.stringify(row));
    else
      console.log(
        [
          row.at.toISOString(),
          row.action.padEnd(17),
          row.actor,
          row.userId ? `user=${row.userId}` : '',
          row.subject ? `subject=${row.subject}` : '',
          row.ip ? `ip=${row.ip}` : '',
          row.requestId ? `request=${row.requestId}` : '',
          JSON.stringify(row.details) === '{}' ? '' : JSON.stringify(row.details),
        ]
          .filter(Boolean)
          .join('  '),
      );
  }
  if (!values.json) console.error(`${rows.length} event${rows.length === 1 ? '' : 's'}`);
} catch (error) {
  console.error(`audit log: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
} finally {
  await prisma.$disconnect();
}
