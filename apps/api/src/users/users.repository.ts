import { Injectable } from '@nestjs/common';
import { type DbTransaction, PrismaService } from '../database/index.js';
import { Prisma } from '../generated/prisma/client.js';

export interface UserRow {
  id: string;
  email: string;
  createdAt: Date;
}

export class DuplicateEmailError extends Error {
  override readonly name = 'DuplicateEmailError';
}

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Throws DuplicateEmailError when the (normalised) email is taken, also under a race. */
  async create(
    tx: DbTransaction,
    data: { id: string; email: string; passwordHash: string },
  ): Promise<UserRow> {
    try {
      return await tx.user.create({ data, select: { id: true, email: true, createdAt: true } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new DuplicateEmailError();
      }
      throw error;
    }
  }

  findByEmail(email: string): Promise<(UserRow & { passwordHash: string }) | null> {
    return this.prisma.user.findUnique({
      where: { email },
      select: { id: true, email: true, createdAt: true, passwordHash: true },
    });
  }

  findById(id: string): Promise<UserRow | null> {
    return this.prisma.user.findUnique({ where: { id }, select: { id: true, email: true, createdAt: true } });
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.prisma.user.update({ where: { id }, data: { passwordHash } });
  }

  emailExists(email: string): Promise<boolean> {
    return this.prisma.user.count({ where: { email } }).then((count) => count > 0);
  }

  transaction<T>(work: (tx: DbTransaction) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }
}
