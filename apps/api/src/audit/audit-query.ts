import type { PrismaService } from '../database/prisma.service.js';

export interface AuditFilter {
  /** A user id or an email (the account's, or the one a failed login tried). */
  user?: string;
  action?: string;
  since?: Date;
  limit: number;
}

export interface AuditRow {
  at: Date;
  action: string;
  actor: string;
  userId: string | null;
  subject: string | null;
  ip: string | null;
  requestId: string | null;
  details: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Newest first: what `npm run audit:log` prints. */
export async function readAuditEvents(prisma: PrismaService, filter: AuditFilter): Promise<AuditRow[]> {
  let userIds: string[] = [];
  let email: string | undefined;
  if (filter.user !== undefined) {
    if (UUID.test(filter.user)) userIds = [filter.user];
    else {
      email = filter.user.toLowerCase();
      const user = await prisma.user.findUnique({ where: { email }, select: { id: true } });
      if (user) userIds = [user.id];
    }
  }
  return prisma.auditEvent.findMany({
    where: {
      ...(filter.user !== undefined && {
        OR: [{ userId: { in: userIds } }, ...(email ? [{ subject: email }] : [])],
      }),
      ...(filter.action && { action: filter.action }),
      ...(filter.since && { at: { gte: filter.since } }),
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: filter.limit,
    select: {
      at: true,
      action: true,
      actor: true,
      userId: true,
      subject: true,
      ip: true,
      requestId: true,
      details: true,
    },
  });
}

/** `24h`, `7d`, `30m` before now, or an ISO date. */
export function parseSince(text: string, now = Date.now()): Date {
  const relative = /^(\d+)([mhd])$/.exec(text);
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(now - Number(relative[1]) * unit);
  }
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new Error(`--since ${text}: give 30m, 24h, 7d or an ISO date`);
  return date;
}
