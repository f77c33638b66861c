import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  CANCEL_CHANNEL,
  CANCELED_KEY_PREFIX,
  type CreateGenerationRequest,
  type GenerationJobPayload,
} from '@easel/contracts';
import type { Redis } from 'ioredis';
import type { Principal } from '../auth/principal.js';
import { InvalidRequestError, NotFoundError, ServiceUnavailableError } from '../common/domain-errors.js';
import { requestContext } from '../common/logging.js';
import { PrismaService } from '../database/prisma.service.js';
import { EngineNotFoundError, EnginesService } from '../engines/engines.service.js';
import { ObjectStoreHolder } from '../files/object-store.provider.js';
import { Prisma } from '../generated/prisma/client.js';
import { InsufficientCreditsError } from '../ledger/ledger.errors.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { GenerationQueues } from '../queue/generation-queues.js';
import { REDIS } from '../redis/redis.module.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationFinalizer } from './generation-finalizer.js';
import { probeImage, type ProbedImage } from './generation-images.js';
import { GenerationInputError, resolveGeneration } from './generation-request.js';
import { debitReference, GenerationSettlement } from './generation-settlement.js';
import { isFinished, type GenerationRecord, type GenerationView } from './generation-view.js';
import {
  GenerationRepository,
  insertGenerationSql,
  newGenerationRecord,
  type NewGeneration,
} from './generation.repository.js';
import { webhookUrlProblem } from './webhook-target.js';
import { IDEMPOTENCY_WINDOW_MS, IdempotencyConflictError, requestHash } from './idempotency.js';

export type { GenerationView } from './generation-view.js';

export interface GenerationInputs {
  /** Image bytes given outside the JSON body (multipart); they take precedence over base64 in the request. */
  initImage?: Buffer;
  mask?: Buffer;
  idempotencyKey?: string;
  /** Stability's STEP_SCHEDULE mode: where the schedule ends (0..1). */
  stepScheduleEnd?: number;
}

const CANCEL_MARK_SECONDS = 7 * 24 * 3600;

/**
 * Generations: priced and paid in the transaction that creates them, enqueued with jobId = generation id, and
 * settled by the finalizer. The native API and the Stability v1 routes both sit on this service.
 */
@Injectable()
export class GenerationsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly ledger: LedgerService,
    private readonly engines: EnginesService,
    private readonly queues: GenerationQueues,
    private readonly holder: ObjectStoreHolder,
    private readonly repository: GenerationRepository,
    private readonly settlement: GenerationSettlement,
    private readonly finalizer: GenerationFinalizer,
    private readonly events: GenerationEvents,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Validates against the engine (GenerationInputError, 400), debits and inserts in one transaction
   * (InsufficientCreditsError, 402: nothing queued), stores the inputs and enqueues. Redis down at enqueue →
   * refunded at once and ServiceUnavailableError (503). With an idempotency key, a repeat returns the first one.
   */
  async create(
    principal: Principal,
    request: CreateGenerationRequest,
    inputs: GenerationInputs = {},
  ): Promise<GenerationView> {
    const { userId } = principal;
    const initBytes = inputs.initImage ?? decodeBase64(request.initImage);
    const maskBytes = inputs.mask ?? decodeBase64(request.mask);
    const hash = inputs.idempotencyKey
      ? requestHash(
          { ...request, initImage: undefined, mask: undefined, stepScheduleEnd: inputs.stepScheduleEnd },
          { initImage: initBytes, mask: maskBytes },
        )
      : null;
    if (inputs.idempotencyKey && hash) {
      const existing = await this.findIdempotent(userId, inputs.idempotencyKey, hash);
      if (existing) return existing;
    }
    const webhookProblem =
      request.webhookUrl && webhookUrlProblem(request.webhookUrl, this.config.webhooks.allowPrivateTargets);
    if (webhookProblem) throw new GenerationInputError('webhookUrl', webhookProblem);
    const engine = await this.engines.get(request.engine).catch((error: unknown) => {
      if (error instanceof EngineNotFoundError) throw new GenerationInputError('engine', error.message);
      throw error;
    });
    const [initImage, mask] = await Promise.all([
      initBytes ? probeImage(initBytes, 'initImage') : undefined,
      maskBytes ? probeImage(maskBytes, 'mask') : undefined,
    ]);
    const id = randomUUID();
    const { payload: resolved, cost } = resolveGeneration(
      id,
      request,
      engine,
      { initImage, mask },
      inputs.stepScheduleEnd,
    );
    const requestId = requestContext.getStore()?.requestId;
    const payload: GenerationJobPayload = {
      ...resolved,
      // Carried to the worker's log lines and the webhook's X-Request-Id.
      ...(requestId && { requestId }),
      ...(initImage && { initImageKey: await this.storeInput(resolved.outputPrefix, 'init', initImage) }),
      ...(mask && { maskImageKey: await this.storeInput(resolved.outputPrefix, 'mask', mask) }),
    };
    const generation: NewGeneration = {
      id,
      userId,
      engine: engine.id,
      mode: payload.mode,
      params: payload,
      cost,
      idempotencyKey: inputs.idempotencyKey ?? null,
      requestHash: hash,
      webhookUrl: request.webhookUrl ?? null,
    };
    let record: GenerationRecord;
    try {
      // Debit, ledger entry and generation row in one statement (one round trip, atomic on its own).
      const { createdAt } = await this.ledger.debitWith<{ createdAt: Date }>(
        userId,
        cost,
        debitReference(id),
        insertGenerationSql(generation),
      );
      record = newGenerationRecord(JSON.parse(JSON.stringify(generation)) as NewGeneration, createdAt);
    } catch (error) {
      await this.holder.store.deletePrefix(resolved.outputPrefix).catch(() => undefined);
      // A retry racing its original loses either at the idempotency index or, when the original took the last
      // credits, at the balance: both mean "already done", so answer the original rather than 402.
      const lostRace = isUniqueViolation(error) || error instanceof InsufficientCreditsError;
      if (inputs.idempotencyKey && hash && lostRace) {
        const existing = await this.findIdempotent(userId, inputs.idempotencyKey, hash);
        if (existing) return existing;
      }
      throw error;
    }
    this.finalizer.watch(engine.id);
    try {
      await this.queues.enqueue(payload);
    } catch {
      await this.settlement.settle(id, {
        status: 'failed',
        error: {
          name: 'service_unavailable',
          message: 'The generation queue was unavailable; it was refunded.',
        },
      });
      throw new ServiceUnavailableError(
        'The generation queue is unavailable; nothing was charged. Try again shortly.',
      );
    }
    // The row as inserted: queued, no artifacts (a worker cannot have finished it before this line matters).
    return this.repository.view(record);
  }

  /** The caller's generation, or NotFoundError (another user's is not found either). */
  async get(principal: Principal, id: string): Promise<GenerationView> {
    return this.repository.view(await this.owned(principal, id));
  }

  async list(
    principal: Principal,
    page: { cursor?: string; limit: number },
  ): Promise<{ data: GenerationView[]; nextCursor: string | null }> {
    const before = page.cursor ? decodeCursor(page.cursor) : null;
    const rows = await this.repository.list(principal.userId, page.limit + 1, before);
    const data = rows.slice(0, page.limit);
    const last = data.at(-1);
    return {
      data: await Promise.all(data.map((r) => this.repository.view(r))),
      nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Resolves when the generation is finished or `timeoutMs` has passed, with its view at that time. Settled on
   * this replica → the event wakes it with the settled record (no read); elsewhere → the 500 ms poll finds it.
   */
  async waitForFinish(principal: Principal, id: string, timeoutMs: number): Promise<GenerationView> {
    const deadline = Date.now() + timeoutMs;
    let settled: GenerationRecord | undefined;
    let wake: (() => void) | undefined;
    // Subscribed before the first read, so a settlement in between is not missed.
    const unsubscribe = this.events.subscribe(id, (event) => {
      if (event.type !== 'finished') return;
      if (event.record?.userId === principal.userId) settled = event.record;
      wake?.();
    });
    try {
      let record = await this.owned(principal, id);
      while (!isFinished(record.status) && Date.now() < deadline) {
        if (!settled) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(500, Math.max(0, deadline - Date.now())));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        record = settled ?? (await this.owned(principal, id));
      }
      return await this.repository.view(record);
    } finally {
      unsubscribe();
    }
  }

  /** The bytes of image `index` of a succeeded generation (NotFoundError when there is none). */
  async readArtifact(view: GenerationView, index: number): Promise<Buffer> {
    const artifact = await this.prisma.artifact.findUnique({
      where: { generationId_kind_index: { generationId: view.id, kind: 'image', index } },
      select: { key: true },
    });
    const object = artifact ? await this.holder.store.get(artifact.key) : null;
    if (!object) throw new NotFoundError(`Generation ${view.id} has no image ${index}`);
    return object.bytes;
  }

  /**
   * Queued → the job is removed and refunded now. Running → the worker is told to stop between steps and the
   * finalizer refunds it. Finished → unchanged. Returns the view after a short wait for the outcome.
   */
  async cancel(principal: Principal, id: string): Promise<GenerationView> {
    const record = await this.owned(principal, id);
    if (isFinished(record.status)) return this.repository.view(record);
    await this.redis.set(`${CANCELED_KEY_PREFIX}${id}`, '1', 'EX', CANCEL_MARK_SECONDS);
    await this.redis.publish(CANCEL_CHANNEL, id);
    const job = await this.queues.queue(record.engine).getJob(id);
    const state = job ? await job.getState() : 'missing';
    if (state === 'completed' || state === 'failed') {
      await this.finalizer.settleFromJob(record.engine, id);
    } else if (state !== 'active') {
      // Waiting, delayed or never enqueued: nothing runs it, so it is canceled (refunded) here, and only then
      // is the job removed. A worker that takes it in between reads the cancel mark (set before the state was
      // read) and stops; its canceled outcome finds the generation settled. Removing first would open a moment
      // with a paid generation and no job, which the reconciler's sweep would enqueue again.
      await this.settlement.settle(id, {
        status: 'canceled',
        error: { name: 'canceled', message: 'Canceled by request' },
      });
      await job?.remove().catch(() => undefined); // locked: a worker took it and stops at the mark
    }
    return this.waitForFinish(principal, id, 5_000);
  }

  /** Removes the generation's images (and inputs) from storage; an unfinished one is canceled first. */
  async deleteImages(principal: Principal, id: string): Promise<void> {
    const record = await this.owned(principal, id);
    if (!isFinished(record.status)) await this.cancel(principal, id);
    await this.holder.store.deletePrefix(`generations/${id}/`);
    await this.prisma.$transaction([
      this.prisma.artifact.deleteMany({ where: { generationId: id } }),
      this.prisma.generation.update({ where: { id }, data: { imagesDeletedAt: new Date() } }),
    ]);
  }

  private async owned(principal: Principal, id: string): Promise<GenerationRecord> {
    const record = await this.repository.findOwned(principal.userId, id);
    if (!record) throw new NotFoundError(`Generation ${id} was not found`);
    return record;
  }

  private async storeInput(prefix: string, name: 'init' | 'mask', image: ProbedImage): Promise<string> {
    const key = `${prefix}inputs/${name}.${image.format === 'jpeg' ? 'jpg' : image.format}`;
    await this.holder.store.put(key, image.bytes, { contentType: image.contentType });
    return key;
  }

  private async findIdempotent(userId: string, key: string, hash: string): Promise<GenerationView | null> {
    const row = await this.prisma.generation.findUnique({
      where: { userId_idempotencyKey: { userId, idempotencyKey: key } },
      select: { id: true, requestHash: true, createdAt: true },
    });
    if (!row) return null;
    if (Date.now() - row.createdAt.getTime() > IDEMPOTENCY_WINDOW_MS) {
      // Expired: the key is free again (the old generation keeps everything else).
      await this.prisma.generation.updateMany({
        where: { id: row.id, idempotencyKey: key },
        data: { idempotencyKey: null },
      });
      return null;
    }
    if (row.requestHash !== hash) throw new IdempotencyConflictError();
    const record = await this.repository.find(row.id);
    return record ? this.repository.view(record) : null;
  }
}

function decodeBase64(text: string | undefined): Buffer | undefined {
  return text === undefined ? undefined : Buffer.from(text, 'base64');
}

/** A unique violation from a typed Prisma call (P2002) or from raw SQL through the pg adapter (P2010, 23505). */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002') return true;
  const cause = (error.meta as { driverAdapterError?: { cause?: { originalCode?: string } } } | undefined)
    ?.driverAdapterError?.cause;
  return error.code === 'P2010' && cause?.originalCode === '23505';
}

function encodeCursor(record: GenerationRecord): string {
  return Buffer.from(`${record.createdAt.toISOString()}|${record.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new InvalidRequestError('query.cursor: is not a cursor this API returned');
  }
  return { createdAt, id };
}
