import {
  StabilityImageToImageRequest,
  StabilityMaskingRequest,
  StabilityTextToImageRequest,
  type CreateGenerationRequest,
  type EngineDescriptor,
  type FinishReason,
  type StabilityEngineList,
} from '@easel/contracts';
import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { EnginesService } from '../engines/engines.service.js';
import { GenerationsService, type GenerationInputs } from '../generations/generations.service.js';
import { checkImage, checkMask } from './image-inputs.js';
import { StabilityBadRequestError, StabilityServerError } from './stability-errors.js';
import type { V1MultipartBody } from './v1-multipart.js';
import {
  imageToImageRequest,
  maskingRequest,
  stabilityValidationError,
  textToImageRequest,
} from './v1-translation.js';

/** One finished image, ready for either answer format. */
export interface V1Image {
  png: Buffer;
  seed: number;
  finishReason: FinishReason;
}

/** How long a v1 call (synchronous by contract) waits for its images before giving up with server_error. */
export const V1_WAIT_MS = 10 * 60_000;

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw stabilityValidationError(result.error);
  return result.data;
}

/**
 * The v1 routes over the native service: validate in v1's terms (every refusal before anything is charged),
 * translate, create, wait for the result, read the PNGs back.
 */
@Injectable()
export class StabilityService {
  constructor(
    private readonly engines: EnginesService,
    private readonly generations: GenerationsService,
  ) {}

  async listEngines(): Promise<StabilityEngineList> {
    const engines = await this.engines.list();
    return engines.map(({ id, name, description, type }) => ({ id, name, description, type }));
  }

  async textToImage(
    principal: Principal,
    engineId: string,
    body: unknown,
    wantsPng: boolean,
  ): Promise<V1Image[]> {
    const { engine, request } = await this.validate(
      engineId,
      StabilityTextToImageRequest,
      body ?? {},
      wantsPng,
    );
    return this.run(principal, textToImageRequest(engine, request), {});
  }

  async imageToImage(
    principal: Principal,
    engineId: string,
    form: V1MultipartBody,
    wantsPng: boolean,
  ): Promise<V1Image[]> {
    const { engine, request } = await this.validate(
      engineId,
      StabilityImageToImageRequest,
      form.fields,
      wantsPng,
    );
    const init = await checkImage('init_image', requireFile(form, 'init_image'), engine);
    const { request: native, stepScheduleEnd } = imageToImageRequest(engine, request, init);
    return this.run(principal, native, {
      initImage: init.bytes,
      ...(stepScheduleEnd !== undefined && { stepScheduleEnd }),
    });
  }

  async masking(
    principal: Principal,
    engineId: string,
    form: V1MultipartBody,
    wantsPng: boolean,
  ): Promise<V1Image[]> {
    const { engine, request } = await this.validate(engineId, StabilityMaskingRequest, form.fields, wantsPng);
    const init = await checkImage('init_image', requireFile(form, 'init_image'), engine);
    const mask = await checkMask(request.mask_source, init, form.files.get('mask_image'), engine);
    return this.run(principal, maskingRequest(engine, request, init), {
      initImage: init.bytes,
      ...(mask && { mask }),
    });
  }

  /** What every v1 generation route checks first, in this order: the engine, the body, samples vs a PNG answer. */
  private async validate<S extends z.ZodType<{ samples: number }>>(
    engineId: string,
    schema: S,
    body: unknown,
    wantsPng: boolean,
  ): Promise<{ engine: EngineDescriptor; request: z.output<S> }> {
    const engine = await this.engines.get(engineId);
    const request = parse(schema, body);
    checkPngSamples(request.samples, wantsPng);
    return { engine, request };
  }

  private async run(
    principal: Principal,
    request: CreateGenerationRequest,
    inputs: GenerationInputs,
  ): Promise<V1Image[]> {
    const created = await this.generations.create(principal, request, inputs);
    const view = await this.generations.waitForFinish(principal, created.id, V1_WAIT_MS);
    if (view.status !== 'succeeded') {
      if (view.status === 'queued' || view.status === 'running') {
        throw new StabilityServerError(
          `Generation ${view.id} did not finish within ${V1_WAIT_MS / 1000} s; follow it at GET /api/generations/${view.id}`,
        );
      }
      if (view.error?.name === 'invalid_request')
        throw new StabilityBadRequestError('bad_request', view.error.message);
      throw new StabilityServerError(
        `Generation ${view.id} ${view.status}${view.error ? `: ${view.error.message}` : ''}; its credits were refunded`,
      );
    }
    return Promise.all(
      view.artifacts.map(async (artifact) => ({
        png: await this.generations.readArtifact(view, artifact.index),
        seed: artifact.seed,
        finishReason: artifact.finishReason,
      })),
    );
  }
}

/** v1: `samples` > 1 only with a JSON answer, since a PNG answer holds one image. */
function checkPngSamples(samples: number, wantsPng: boolean): void {
  if (wantsPng && samples > 1) {
    throw new StabilityBadRequestError(
      'invalid_samples',
      'samples may only be greater than 1 when the Accept header is application/json',
    );
  }
}

function requireFile(form: V1MultipartBody, field: string): Buffer {
  const bytes = form.files.get(field);
  if (!bytes) throw new StabilityBadRequestError('bad_request', `${field}: is required`);
  return bytes;
}
