import {
  StabilityArtifacts,
  StabilityEngineList,
  StabilityImageToImageRequest,
  StabilityMaskingRequest,
  StabilityTextToImageRequest,
} from '@easel/contracts';
import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { Auth, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiErrors, ApiZodResponse } from '../common/validated.decorators.js';
import { openApiSchema } from '../openapi/zod-schemas.js';
import { StabilityService, type V1Image } from './stability.service.js';
import { readV1Multipart } from './v1-multipart.js';

/** `Accept`: the first of application/json or image/png it lists wins; anything else (or nothing) is JSON. */
export function wantsPng(accept: string | undefined): boolean {
  for (const item of (accept ?? '').toLowerCase().split(',')) {
    const type = item.split(';')[0]?.trim();
    if (type === 'image/png') return true;
    if (type === 'application/json') return false;
  }
  return false;
}

/** JSON `{artifacts}` or, for `Accept: image/png`, the one PNG with `Seed` and `Finish-Reason` headers. */
function answer(reply: FastifyReply, images: V1Image[], png: boolean): StabilityArtifacts | Buffer {
  const first = images[0];
  if (png && first) {
    void reply
      .header('content-type', 'image/png')
      .header('seed', String(first.seed))
      .header('finish-reason', first.finishReason);
    return first.png;
  }
  return {
    artifacts: images.map((image) => ({
      base64: image.png.toString('base64'),
      seed: image.seed,
      finishReason: image.finishReason,
    })),
  };
}

const ACCEPT_HEADER = {
  name: 'Accept',
  required: false,
  description: 'application/json (default) or image/png (one image, with Seed and Finish-Reason headers)',
};

/** What the three v1 generation routes declare alike: 200, the Accept choice, the body, the answers. */
function V1GenerationRoute(summary: string, body: z.ZodType, multipart: boolean): MethodDecorator {
  return applyDecorators(
    HttpCode(200),
    ApiOperation({ summary }),
    ApiHeader(ACCEPT_HEADER),
    ...(multipart ? [ApiConsumes('multipart/form-data')] : []),
    ApiBody({ schema: openApiSchema(body) }),
    ApiProduces('application/json', 'image/png'),
    ApiZodResponse(200, StabilityArtifacts),
    ApiErrors(400, 402, 404, 500),
  );
}

/** Stability REST v1: the same paths, fields and answers, so its clients work by changing the base URL. */
@ApiTags('stability-v1')
@Controller('v1')
@Auth('account')
export class StabilityController {
  constructor(private readonly stability: StabilityService) {}

  @Get('engines/list')
  @ApiOperation({ summary: 'Stability v1: engines a live worker serves' })
  @ApiZodResponse(200, StabilityEngineList)
  listEngines(): Promise<StabilityEngineList> {
    return this.stability.listEngines();
  }

  @Post('generation/:engine_id/text-to-image')
  @V1GenerationRoute('Stability v1: text-to-image (waits for the result)', StabilityTextToImageRequest, false)
  async textToImage(
    @CurrentPrincipal() principal: Principal,
    @Param('engine_id') engineId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StabilityArtifacts | Buffer> {
    const png = wantsPng(request.headers.accept);
    return answer(reply, await this.stability.textToImage(principal, engineId, body, png), png);
  }

  @Post('generation/:engine_id/image-to-image')
  @V1GenerationRoute(
    'Stability v1: image-to-image, multipart with init_image (waits for the result)',
    StabilityImageToImageRequest,
    true,
  )
  async imageToImage(
    @CurrentPrincipal() principal: Principal,
    @Param('engine_id') engineId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StabilityArtifacts | Buffer> {
    const png = wantsPng(request.headers.accept);
    const form = await readV1Multipart(request);
    return answer(reply, await this.stability.imageToImage(principal, engineId, form, png), png);
  }

  @Post('generation/:engine_id/image-to-image/masking')
  @V1GenerationRoute(
    'Stability v1: inpainting, multipart with init_image, mask_source, mask_image',
    StabilityMaskingRequest,
    true,
  )
  async masking(
    @CurrentPrincipal() principal: Principal,
    @Param('engine_id') engineId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StabilityArtifacts | Buffer> {
    const png = wantsPng(request.headers.accept);
    const form = await readV1Multipart(request);
    return answer(reply, await this.stability.masking(principal, engineId, form, png), png);
  }
}
