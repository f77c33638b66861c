import type { Me, V1Account } from '@easel/contracts';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/domain-errors.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { UsersRepository, type UserRow } from './users.repository.js';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly ledger: LedgerService,
  ) {}

  async me(userId: string): Promise<Me> {
    const [user, credits] = await Promise.all([this.user(userId), this.ledger.getBalance(userId)]);
    return { id: user.id, email: user.email, credits };
  }

  /** Stability v1 shape; each user is their own default organization. */
  async v1Account(userId: string): Promise<V1Account> {
    const user = await this.user(userId);
    return {
      id: user.id,
      email: user.email,
      profile_picture: '',
      organizations: [{ id: `org-${user.id}`, name: 'Personal', role: 'OWNER', is_default: true }],
    };
  }

  private async user(userId: string): Promise<UserRow> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }
}
