import { randomUUID } from 'node:crypto';
import type { ApiKeySummary, CreatedApiKey } from '@easel/contracts';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AuditLogService } from '../audit/audit-log.service.js';
import { NotFoundError, UnauthorizedError } from '../common/domain-errors.js';
import { ApiKeyCache, type CachedApiKey } from './api-key-cache.js';
import { generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key-secret.js';
import { ApiKeysRepository, type ApiKeyRow } from './api-keys.repository.js';

// lastUsedAt is informative; one write a minute per key (per replica) keeps the hot path read-only.
const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const MAX_TRACKED_KEYS = 100_000;

@Injectable()
export class ApiKeysService {
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly cache: ApiKeyCache,
    private readonly logger: PinoLogger,
    private readonly audit: AuditLogService,
  ) {
    logger.setContext(ApiKeysService.name);
  }

  async create(userId: string, name: string): Promise<CreatedApiKey> {
    const secret = generateApiKey();
    const row = await this.keys.create({
      id: randomUUID(),
      userId,
      name,
      prefix: secret.prefix,
      keyHash: secret.hash,
    });
    await this.audit.apiKeyCreated(userId, row.id, row.name);
    return {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      key: secret.key,
      createdAt: row.createdAt.toISOString(),
    };
  }

  async list(userId: string): Promise<ApiKeySummary[]> {
    return (await this.keys.listActive(userId)).map(toSummary);
  }

  async revoke(userId: string, id: string): Promise<void> {
    if (!(await this.keys.revoke(id, userId))) throw new NotFoundError('API key not found');
    await this.cache.revoked(id);
    await this.audit.apiKeyRevoked(userId, id);
  }

  /** The hot path of every API-key request: cache hit → no database round trip. */
  async authenticate(token: string): Promise<CachedApiKey> {
    if (!isWellFormedApiKey(token)) throw new UnauthorizedError('Invalid API key');
    const hash = hashApiKey(token);
    let key = this.cache.get(hash);
    if (!key) {
      const row = await this.keys.findActiveByHash(hash);
      if (!row) throw new UnauthorizedError('Invalid API key');
      key = { id: row.id, userId: row.userId };
      this.cache.set(hash, key);
    }
    this.noteUse(key.id);
    return key;
  }

  private noteUse(id: string): void {
    const now = Date.now();
    const last = this.lastUsedWrites.get(id);
    if (last !== undefined && now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    if (this.lastUsedWrites.size >= MAX_TRACKED_KEYS) this.lastUsedWrites.clear();
    this.lastUsedWrites.set(id, now);
    this.keys.touchLastUsed(id, new Date(now)).catch((error: unknown) => {
      this.logger.warn({ err: error, apiKeyId: id }, 'could not record API key use');
    });
  }
}

function toSummary(row: ApiKeyRow): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}
