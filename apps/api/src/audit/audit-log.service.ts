import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { requestContext } from '../common/logging.js';
import { PrismaService, type DbTransaction } from '../database/prisma.service.js';

export type AuditAction =
  | 'api_key.created'
  | 'api_key.revoked'
  | 'login.succeeded'
  | 'login.failed'
  | 'login.locked'
  | 'credits.purchased'
  | 'credits.granted';

export interface AuditEventInput {
  action: AuditAction;
  /** user:<id>, anonymous, support:<operator>, system:<component>. */
  actor: string;
  userId?: string | null;
  subject?: string | null;
  details?: Record<string, unknown>;
}

/**
 * The audit trail (table audit_events): who did what to which account, from which address, in which request.
 * The request id and client address come from the request being served. Writing is best effort for events that
 * already happened (a failed insert is logged, the user's action stands); pass `tx` to make an event part of the
 * caller's transaction instead (purchases, grants: both or neither).
 */
@Injectable()
export class AuditLogService {
  private readonly log = new Logger(AuditLogService.name);

  constructor(private readonly prisma: PrismaService) {}

  async record(event: AuditEventInput, tx?: DbTransaction): Promise<void> {
    const context = requestContext.getStore();
    const data = {
      id: randomUUID(),
      action: event.action,
      actor: event.actor,
      userId: event.userId ?? null,
      subject: event.subject ?? null,
      ip: context?.clientIp() ?? null,
      requestId: context?.requestId ?? null,
      details: (event.details ?? {}) as object,
    };
    if (tx) {
      await tx.auditEvent.create({ data });
      return;
    }
    try {
      await this.prisma.auditEvent.create({ data });
    } catch (err) {
      this.log.error({ err, action: event.action, userId: event.userId }, 'audit event not recorded');
    }
  }

  apiKeyCreated(userId: string, keyId: string, name: string): Promise<void> {
    return this.record({
      action: 'api_key.created',
      actor: `user:${userId}`,
      userId,
      subject: keyId,
      details: { name },
    });
  }

  apiKeyRevoked(userId: string, keyId: string): Promise<void> {
    return this.record({ action: 'api_key.revoked', actor: `user:${userId}`, userId, subject: keyId });
  }

  loginSucceeded(userId: string, email: string): Promise<void> {
    return this.record({ action: 'login.succeeded', actor: `user:${userId}`, userId, subject: email });
  }

  /** `userId` null: no account has this email (the attempt is kept all the same: credential stuffing shows). */
  loginFailed(email: string, userId: string | null): Promise<void> {
    return this.record({ action: 'login.failed', actor: 'anonymous', userId, subject: email });
  }

  loginLocked(email: string, retryAfterSeconds: number): Promise<void> {
    return this.record({
      action: 'login.locked',
      actor: 'anonymous',
      subject: email,
      details: { retryAfterSeconds },
    });
  }

  /**
   * Hook for the billing code: one call per credited purchase, inside the transaction that credits it.
   * `reference` is the grant's ledger reference (stripe:checkout:<session id>), so the trail and the ledger meet.
   */
  purchase(
    p: { userId: string; credits: number; amountMinor: number; currency: string; reference: string },
    tx?: DbTransaction,
  ): Promise<void> {
    const { userId, reference, ...details } = p;
    return this.record(
      { action: 'credits.purchased', actor: 'system:billing', userId, subject: reference, details },
      tx,
    );
  }

  /** Hook for support grants (an operator giving credits): who granted, why, and the ledger reference. */
  supportGrant(
    g: { userId: string; credits: number; operator: string; reason: string; reference: string },
    tx?: DbTransaction,
  ): Promise<void> {
    const { userId, operator, reference, ...details } = g;
    return this.record(
      { action: 'credits.granted', actor: `support:${operator}`, userId, subject: reference, details },
      tx,
    );
  }
}
