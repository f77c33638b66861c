import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { PrismaService } from '../database/prisma.service.js';
import { ObjectStoreHolder } from '../files/object-store.provider.js';
import { Prisma } from '../generated/prisma/client.js';
import { GenerationEvents } from './generation-events.js';
import { toView, type GenerationRecord, type GenerationView } from './generation-view.js';

const ARTIFACT_FIELDS = {
  kind: true,
  index: true,
  seed: true,
  width: true,
  height: true,
  key: true,
  contentType: true,
  finishReason: true,
} as const;

export const RECORD_SELECT = {
  id: true,
  userId: true,
  engine: true,
  mode: true,
  status: true,
  params: true,
  cost: true,
  errorName: true,
  errorMessage: true,
  webhookUrl: true,
  pipelineMs: true,
  imagesDeletedAt: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  artifacts: { select: ARTIFACT_FIELDS },
} as const;

export interface NewGeneration {
  id: string;
  userId: string;
  engine: string;
  mode: string;
  params: object;
  cost: number;
  idempotencyKey: string | null;
  requestHash: string | null;
  webhookUrl: string | null;
}

/**
 * The generation row's INSERT as a companion of the ledger's debit (LedgerService.debitWith): it selects FROM
 * the debit's `moved` CTE, so the row exists exactly when the debit applied, in the same statement.
 */
export function insertGenerationSql(g: NewGeneration): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO generations (id, user_id, engine, mode, params, cost, idempotency_key, request_hash, webhook_url)
    SELECT ${g.id}::uuid, ${g.userId}::uuid, ${g.engine}::text, ${g.mode}::text, ${JSON.stringify(g.params)}::jsonb,
           ${g.cost}::int, ${g.idempotencyKey}::text, ${g.requestHash}::text, ${g.webhookUrl}::text
      FROM moved
    RETURNING created_at AS "createdAt"`;
}

/** The record of a row insertGenerationSql has just written: queued, nothing run yet. */
export function newGenerationRecord(g: NewGeneration, createdAt: Date): GenerationRecord {
  return {
    id: g.id,
    userId: g.userId,
    engine: g.engine,
    mode: g.mode,
    status: 'queued',
    params: g.params,
    cost: g.cost,
    errorName: null,
    errorMessage: null,
    webhookUrl: g.webhookUrl,
    pipelineMs: null,
    imagesDeletedAt: null,
    createdAt,
    startedAt: null,
    finishedAt: null,
    artifacts: [],
  };
}

/** Reads generation rows and renders them as views (signed URLs, live progress). */
@Injectable()
export class GenerationRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly holder: ObjectStoreHolder,
    private readonly events: GenerationEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async find(id: string): Promise<GenerationRecord | null> {
    return this.prisma.generation.findUnique({ where: { id }, select: RECORD_SELECT });
  }

  /** The user's generation, or null when there is none (another user's counts as none). */
  async findOwned(userId: string, id: string): Promise<GenerationRecord | null> {
    const record = await this.find(id);
    return record && record.userId === userId ? record : null;
  }

  async list(
    userId: string,
    limit: number,
    before: { createdAt: Date; id: string } | null,
  ): Promise<GenerationRecord[]> {
    return this.prisma.generation.findMany({
      where: {
        userId,
        ...(before && {
          OR: [
            { createdAt: { lt: before.createdAt } },
            { createdAt: before.createdAt, id: { lt: before.id } },
          ],
        }),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: RECORD_SELECT,
    });
  }

  view(record: GenerationRecord): Promise<GenerationView> {
    return toView(record, {
      store: this.holder.store,
      urlTtlSeconds: this.config.generations.signedUrlTtlSeconds,
      progress: this.events.latestProgress(record.id),
    });
  }
}
