import { randomUUID } from 'node:crypto';
import type {
  LoginRequest,
  LoginResponse,
  PublicUser,
  SignupRequest,
  SignupResponse,
} from '@easel/contracts';
import { Injectable, Optional } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { EmailTakenError, UnauthorizedError } from '../common/domain-errors.js';
import { AuditLogService } from '../audit/audit-log.service.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { ApiMetrics } from '../observability/api-metrics.js';
import { DuplicateEmailError, UsersRepository } from '../users/users.repository.js';
import { LoginLockout } from './login-lockout.js';
import { burnVerification, hashPassword, verifyPassword } from './password-hasher.js';

/** Free credits on sign-up, as DreamStudio gave. */
export const SIGNUP_GRANT_CREDITS = 200;
const BAD_CREDENTIALS = 'Invalid email or password';

export interface AccessTokenPayload {
  sub: string;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly ledger: LedgerService,
    private readonly jwt: JwtService,
    private readonly lockout: LoginLockout,
    private readonly audit: AuditLogService,
    @Optional() private readonly metrics?: ApiMetrics,
  ) {}

  /** Creates the account and logs in with an access token. */
  async signup(body: SignupRequest): Promise<SignupResponse> {
    const user = await this.createAccount(body);
    return { user, accessToken: await this.issueToken(user.id) };
  }

  async login(body: LoginRequest): Promise<LoginResponse> {
    const user = await this.verifyCredentials(body);
    return { accessToken: await this.issueToken(user.id) };
  }

  /** Creates the user, their credit account and the sign-up grant in one transaction. */
  async createAccount({ email, password }: SignupRequest): Promise<PublicUser> {
    if (await this.users.emailExists(email)) throw new EmailTakenError();
    const passwordHash = await hashPassword(password);
    try {
      const user = await this.users.transaction(async (tx) => {
        const created = await this.users.create(tx, { id: randomUUID(), email, passwordHash });
        await this.ledger.openAccount(created.id, tx);
        await this.ledger.grant(created.id, SIGNUP_GRANT_CREDITS, `signup:${created.id}`, {
          kind: 'grant',
          tx,
        });
        return created;
      });
      return toPublicUser(user);
    } catch (error) {
      if (error instanceof DuplicateEmailError) throw new EmailTakenError();
      throw error;
    }
  }

  /** Refused without checking the password while the account is locked (LoginLockout); every outcome audited. */
  async verifyCredentials({ email, password }: LoginRequest): Promise<PublicUser> {
    const locked = await this.lockout.lockedFor(email);
    if (locked > 0) {
      this.metrics?.login('locked');
      await this.audit.loginLocked(email, locked);
      throw LoginLockout.lockedError(locked);
    }
    const user = await this.users.findByEmail(email);
    if (!user) await burnVerification(password);
    if (!user || !(await verifyPassword(user.passwordHash, password))) {
      this.metrics?.login('failed');
      const lockedNow = await this.lockout.failed(email);
      await this.audit.loginFailed(email, user?.id ?? null);
      if (lockedNow > 0) throw LoginLockout.lockedError(lockedNow);
      throw new UnauthorizedError(BAD_CREDENTIALS);
    }
    this.metrics?.login('succeeded');
    await Promise.all([this.lockout.succeeded(email), this.audit.loginSucceeded(user.id, email)]);
    return toPublicUser(user);
  }

  /** For the local demo account: checks a stored password without issuing anything. */
  async passwordMatches(email: string, password: string): Promise<boolean> {
    const user = await this.users.findByEmail(email);
    return user !== null && (await verifyPassword(user.passwordHash, password));
  }

  private issueToken(userId: string): Promise<string> {
    const payload: AccessTokenPayload = { sub: userId };
    return this.jwt.signAsync(payload);
  }
}

export function toPublicUser(user: { id: string; email: string; createdAt: Date }): PublicUser {
  return { id: user.id, email: user.email, createdAt: user.createdAt.toISOString() };
}
