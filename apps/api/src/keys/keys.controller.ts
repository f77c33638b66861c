import { ApiKeyIdParam, ApiKeyList, CreateApiKeyRequest, CreatedApiKey } from '@easel/contracts';
import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiErrors, ApiZodResponse, ValidBody, ValidParam } from '../common/validated.decorators.js';
import { ApiKeysService } from './api-keys.service.js';

@ApiTags('keys')
@Controller('api/keys')
@Auth('jwt')
export class KeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the secret is in this response only' })
  @ApiZodResponse(201, CreatedApiKey, 'Key created')
  @ApiErrors(400)
  create(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(CreateApiKeyRequest) body: CreateApiKeyRequest,
  ) {
    return this.keys.create(principal.userId, body.name);
  }

  @Get()
  @ApiOperation({ summary: 'List active API keys (no secrets)' })
  @ApiZodResponse(200, ApiKeyList)
  async list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyList> {
    return { data: await this.keys.list(principal.userId) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key: it answers 401 from now on' })
  @ApiErrors(400, 404)
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @ValidParam('id', ApiKeyIdParam.shape.id) id: string,
  ): Promise<void> {
    await this.keys.revoke(principal.userId, id);
  }
}
