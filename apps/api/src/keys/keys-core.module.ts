import { Module } from '@nestjs/common';
import { ApiKeyCache } from './api-key-cache.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';

/** Key storage and authentication, shared by the auth guard and the keys routes. */
@Module({ providers: [ApiKeysService, ApiKeysRepository, ApiKeyCache], exports: [ApiKeysService] })
export class KeysCoreModule {}
