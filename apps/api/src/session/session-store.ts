import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { CsrfFailedError, ServiceUnavailableError } from '../common/domain-errors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { REDIS } from '../redis/redis.module.js';
import { CSRF_HEADER, sessionIdFrom } from './session-cookie.js';

/**
 * Dashboard sessions in Redis: the cookie holds a random id; Redis holds only its hash (a dump of Redis gives no
 * usable cookie) → the user id, with a sliding expiry. Sign-out deletes it, so a stolen cookie dies with it.
 */
@Injectable()
export class SessionStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(userId: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.run(() => this.redis.set(this.key(id), userId, 'EX', this.config.session.ttlSeconds));
    return id;
  }

  /** The session's user, renewing its expiry; null when unknown or expired. */
  async userOf(id: string): Promise<string | null> {
    return this.run(() => this.redis.getex(this.key(id), 'EX', this.config.session.ttlSeconds));
  }

  async end(id: string): Promise<void> {
    await this.run(() => this.redis.del(this.key(id)));
  }

  /** Bound to the session (HMAC of its id): nothing to store, and a token is worthless with another cookie. */
  csrfToken(id: string): string {
    return createHmac('sha256', this.config.session.csrfSecret).update(id).digest('base64url');
  }

  /** The request's live session (its cookie's id and the user); null without a cookie or once it has ended. */
  async of(request: FastifyRequest): Promise<{ id: string; userId: string } | null> {
    const id = sessionIdFrom(request);
    const userId = id === undefined ? null : await this.userOf(id);
    return id === undefined || userId === null ? null : { id, userId };
  }

  /** Refuses (403 csrf_failed) a request without the CSRF token of session `id`. */
  checkCsrf(id: string, request: FastifyRequest): void {
    const token = request.headers[CSRF_HEADER];
    const expected = Buffer.from(this.csrfToken(id));
    const given = Buffer.from(typeof token === 'string' ? token : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new CsrfFailedError();
  }

  private key(id: string): string {
    return `${this.config.redis.keyPrefix}session:${createHash('sha256').update(id).digest('base64url')}`;
  }

  // Without Redis no session can be checked: refuse rather than guess (bearer tokens still work).
  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new ServiceUnavailableError(
        `Sign-in sessions are unavailable right now (${error instanceof Error ? error.message : 'Redis error'})`,
      );
    }
  }
}
