import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/index.js';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

const PUBLIC_FIELDS = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true } as const;

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: {
    id: string;
    userId: string;
    name: string;
    prefix: string;
    keyHash: string;
  }): Promise<ApiKeyRow> {
    return this.prisma.apiKey.create({ data, select: PUBLIC_FIELDS });
  }

  listActive(userId: string): Promise<ApiKeyRow[]> {
    return this.prisma.apiKey.findMany({
      where: { userId, revokedAt: null },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: PUBLIC_FIELDS,
    });
  }

  findActiveByHash(keyHash: string): Promise<{ id: string; userId: string } | null> {
    return this.prisma.apiKey.findFirst({
      where: { keyHash, revokedAt: null },
      select: { id: true, userId: true },
    });
  }

  /** Scoped to the owner: someone else's key counts as not found. Returns whether a key was revoked. */
  async revoke(id: string, userId: string): Promise<boolean> {
    const { count } = await this.prisma.apiKey.updateMany({
      where: { id, userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count === 1;
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }
}
