import { CreatedGeneration, CreateGenerationRequest, Generation, GenerationList } from '@easel/contracts';
import { Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Auth, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiErrors, ApiZodResponse, ValidParam, ValidQuery } from '../common/validated.decorators.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { openApiSchema } from '../openapi/zod-schemas.js';
import { readGenerationForm } from './generation-form.js';
import { streamGenerationEvents } from './generation-sse.js';
import { GenerationEvents } from './generation-events.js';
import { GenerationsService, type GenerationView } from './generations.service.js';
import { checkIdempotencyKey } from './idempotency.js';

const GenerationId = z.uuid();
export const GenerationListQuery = z
  .strictObject({
    cursor: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .meta({ id: 'GenerationListQuery' });

/** `Prefer: wait=N` (RFC 7240) → N seconds, capped; undefined when absent. */
function preferWait(header: string | string[] | undefined, max: number): number | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  const match = text ? /(?:^|[,;\s])wait=(\d{1,6})(?:$|[,;\s])/i.exec(text) : null;
  return match ? Math.min(Number(match[1]), max) : undefined;
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const created = (view: GenerationView): CreatedGeneration => ({
  id: view.id,
  status: view.status,
  cost: view.cost,
  createdAt: view.createdAt,
});

@ApiTags('generations')
@Controller('api/generations')
@Auth('account')
export class GenerationsController {
  constructor(
    private readonly generations: GenerationsService,
    private readonly events: GenerationEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a generation: paid now, run by a worker; poll, stream events or pass Prefer: wait=N',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key + same body within 24 h → same generation, one charge',
  })
  @ApiHeader({
    name: 'Prefer',
    required: false,
    description: 'wait=N: hold up to N s and return the finished generation',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ schema: openApiSchema(CreateGenerationRequest) })
  @ApiZodResponse(202, CreatedGeneration, 'Queued')
  @ApiZodResponse(200, Generation, 'Finished within Prefer: wait=N')
  @ApiErrors(400, 402, 404, 409, 413, 503)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedGeneration | Generation> {
    const key = singleHeader(request.headers['idempotency-key']);
    const idempotencyKey = key === undefined ? undefined : checkIdempotencyKey(key);
    const form = await readGenerationForm(request);
    const view = await this.generations.create(principal, form.request, {
      ...(idempotencyKey !== undefined && { idempotencyKey }),
      ...(form.initImage && { initImage: form.initImage }),
      ...(form.mask && { mask: form.mask }),
    });
    const wait = preferWait(request.headers.prefer, this.config.generations.maxWaitSeconds);
    if (wait === undefined) return created(view);
    void reply.header('preference-applied', `wait=${wait}`);
    const finished = await this.generations.waitForFinish(principal, view.id, wait * 1000);
    if (finished.status === 'queued' || finished.status === 'running') return created(finished);
    void reply.status(200);
    return finished;
  }

  @Get()
  @ApiOperation({ summary: 'Your generations, newest first; pass nextCursor back as cursor for older ones' })
  @ApiZodResponse(200, GenerationList)
  @ApiErrors(400)
  list(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(GenerationListQuery) query: z.infer<typeof GenerationListQuery>,
  ): Promise<GenerationList> {
    return this.generations.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, progress, error, timings and signed artifact URLs' })
  @ApiZodResponse(200, Generation)
  @ApiErrors(400, 404)
  get(
    @CurrentPrincipal() principal: Principal,
    @ValidParam('id', GenerationId) id: string,
  ): Promise<Generation> {
    return this.generations.get(principal, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel: queued → refunded now; running → stopped between steps, then refunded' })
  @ApiZodResponse(200, Generation)
  @ApiErrors(400, 404)
  cancel(
    @CurrentPrincipal() principal: Principal,
    @ValidParam('id', GenerationId) id: string,
  ): Promise<Generation> {
    return this.generations.cancel(principal, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the images from storage (the ledger entries stay)' })
  @ApiErrors(400, 404)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @ValidParam('id', GenerationId) id: string,
  ): Promise<void> {
    await this.generations.deleteImages(principal, id);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Server-Sent Events: queued, started, progress, succeeded / failed / canceled' })
  @ApiErrors(400, 404)
  async stream(
    @CurrentPrincipal() principal: Principal,
    @ValidParam('id', GenerationId) id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const initial = await this.generations.get(principal, id);
    await streamGenerationEvents(reply, initial, {
      events: this.events,
      reload: () => this.generations.get(principal, id),
    });
  }
}
