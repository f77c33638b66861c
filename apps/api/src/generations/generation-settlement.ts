import { Injectable, Logger } from '@nestjs/common';
import type { GenerationJobResult } from '@easel/contracts';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { ApiMetrics } from '../observability/api-metrics.js';
import { GenerationEvents } from './generation-events.js';
import type { ArtifactRecord, GenerationRecord } from './generation-view.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

type FailedOutcome = { status: 'failed' | 'canceled'; error: { name: string; message: string } };
export type Outcome = { status: 'succeeded'; result: GenerationJobResult } | FailedOutcome;

/** The settled row as the repository's GenerationRecord (artifacts added by the caller). */
type SettledRow = Omit<GenerationRecord, 'artifacts'>;

const SETTLED_COLUMNS = Prisma.sql`id::text AS id, user_id::text AS "userId", engine, mode, status::text AS status,
  params, cost, error_name AS "errorName", error_message AS "errorMessage", webhook_url AS "webhookUrl",
  pipeline_ms AS "pipelineMs", created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt",
  images_deleted_at AS "imagesDeletedAt"`;

export const refundReference = (id: string): string => `generation:${id}:refund`;
export const debitReference = (id: string): string => `generation:${id}:debit`;

/**
 * Settles a generation exactly once: one transaction whose conditional update (status still queued or running)
 * decides the winner, then records the artifacts or refunds under a unique ledger reference. Losing callers
 * (duplicate deliveries, other replicas, the sweep) change nothing.
 */
@Injectable()
export class GenerationSettlement {
  private readonly log = new Logger(GenerationSettlement.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly ledger: LedgerService,
    private readonly events: GenerationEvents,
    private readonly webhooks: WebhookDispatcher,
    private readonly metrics: ApiMetrics,
  ) {}

  /** True when this call settled it; false when it was already settled. */
  async settle(id: string, outcome: Outcome): Promise<boolean> {
    const settled =
      outcome.status === 'succeeded'
        ? await this.settleSucceeded(id, outcome.result)
        : await this.settleUnsuccessful(id, outcome);
    if (!settled) return false;
    this.log.log({ generationId: id, status: outcome.status }, 'generation settled');
    const seconds = settled.finishedAt
      ? (settled.finishedAt.getTime() - settled.createdAt.getTime()) / 1000
      : undefined;
    this.metrics.settled(settled.engine, outcome.status, seconds);
    // The settled record rides along, so requests waiting on this replica answer without reading it back.
    const artifacts = outcome.status === 'succeeded' ? artifactRecords(outcome.result) : [];
    this.events.publish(id, { type: 'finished', status: outcome.status, record: { ...settled, artifacts } });
    if (settled.webhookUrl) await this.queueWebhook(id);
    return true;
  }

  /**
   * The common case in ONE statement (atomic on its own, no BEGIN/COMMIT round trips): the conditional status
   * update and, only when it won, the artifact rows.
   */
  private async settleSucceeded(id: string, result: GenerationJobResult): Promise<SettledRow | undefined> {
    const artifacts = [
      ...result.artifacts.map((a) => ({ ...a, kind: 'image' })),
      ...(result.animation ? [{ ...result.animation, kind: 'animation' }] : []),
    ];
    const rows = await this.prisma.$queryRaw<SettledRow[]>`
      WITH done AS (
        UPDATE generations
           SET status = 'succeeded', finished_at = ${new Date(result.finishedAt)}::timestamptz,
               started_at = COALESCE(started_at, ${new Date(result.startedAt)}::timestamptz),
               pipeline_ms = ${result.pipelineMs}::double precision, worker_id = ${result.workerId}::text,
               error_name = NULL, error_message = NULL
         WHERE id = ${id}::uuid AND status IN ('queued', 'running')
     RETURNING ${SETTLED_COLUMNS}
      ), stored AS (
        INSERT INTO artifacts ("generation_id", "kind", "index", "seed", "width", "height", "key",
                               "content_type", "finish_reason", "bytes")
        SELECT ${id}::uuid, a.kind, a.index, a.seed, a.width, a.height, a.key, a."contentType",
               a."finishReason", a.bytes
          FROM done, jsonb_to_recordset(${JSON.stringify(artifacts)}::jsonb) AS a(kind text, index int,
               seed bigint, width int, height int, key text, "contentType" text, "finishReason" text, bytes int)
        ON CONFLICT DO NOTHING
      )
      SELECT * FROM done`;
    return rows[0];
  }

  /** Failed or canceled: the conditional status update and the refund in one transaction. */
  private async settleUnsuccessful(id: string, outcome: FailedOutcome): Promise<SettledRow | undefined> {
    return this.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<SettledRow[]>`
          UPDATE generations
             SET status = ${outcome.status}::generation_status,
                 finished_at = now(),
                 pipeline_ms = NULL,
                 worker_id = NULL,
                 error_name = ${outcome.error.name},
                 error_message = ${outcome.error.message}
           WHERE id = ${id}::uuid AND status IN ('queued', 'running')
       RETURNING ${SETTLED_COLUMNS}`;
        const row = rows[0];
        if (row && row.cost > 0) await this.ledger.refund(row.userId, row.cost, refundReference(id), { tx });
        return row;
      },
      { maxWait: 10_000, timeout: 10_000 },
    );
  }

  /**
   * Queues the webhook delivery (idempotent by job id) and records that it is queued. A crash before the record
   * leaves it unset, and the finalizer's sweep queues it again (queueMissedWebhooks).
   */
  async queueWebhook(id: string): Promise<void> {
    try {
      await this.webhooks.schedule(id);
      await this.prisma.$executeRaw`UPDATE generations SET webhook_queued_at = now() WHERE id = ${id}::uuid`;
    } catch (err) {
      this.log.warn({ err, generationId: id }, 'webhook not queued yet; the sweep retries');
    }
  }

  /** Finished generations (of the last hour) whose webhook was never queued. */
  async queueMissedWebhooks(olderThanMs: number): Promise<void> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM generations
       WHERE finished_at BETWEEN now() - interval '1 hour' AND now() - ${olderThanMs} * interval '1 millisecond'
         AND webhook_url IS NOT NULL AND webhook_queued_at IS NULL
       LIMIT 100`;
    for (const { id } of rows) await this.queueWebhook(id);
  }

  /**
   * After Redis came back (perhaps empty): webhooks of the last hour whose delivery job Redis no longer holds are
   * queued again. A receiver may see a delivery twice (webhooks are at least once), never none.
   */
  async requeueLostWebhooks(): Promise<number> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM generations
       WHERE finished_at > now() - interval '1 hour' AND webhook_url IS NOT NULL AND webhook_queued_at IS NOT NULL
       ORDER BY finished_at DESC
       LIMIT 1000`;
    let requeued = 0;
    for (const { id } of rows) {
      if (await this.webhooks.isScheduled(id)) continue;
      await this.queueWebhook(id);
      requeued++;
    }
    if (requeued > 0) this.log.warn({ requeued }, 'webhooks lost with Redis queued again');
    return requeued;
  }

  /** queued → running, once; returns whether it changed. */
  async markRunning(id: string, startedAt: Date): Promise<boolean> {
    const changed = await this.prisma.$executeRaw`
      UPDATE generations SET status = 'running', started_at = COALESCE(started_at, ${startedAt}::timestamptz)
       WHERE id = ${id}::uuid AND status = 'queued'`;
    return changed > 0;
  }
}

/** The artifact rows settleSucceeded inserts, as the repository reads them. */
function artifactRecords(result: GenerationJobResult): ArtifactRecord[] {
  const images = result.artifacts.map((a) => ({ ...a, kind: 'image' }));
  const all = result.animation ? [...images, { ...result.animation, kind: 'animation' }] : images;
  return all.map((a) => ({
    kind: a.kind,
    index: a.index,
    seed: BigInt(a.seed),
    width: a.width,
    height: a.height,
    key: a.key,
    contentType: a.contentType,
    finishReason: a.finishReason,
  }));
}
