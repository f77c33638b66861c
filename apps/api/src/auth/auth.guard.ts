import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PermissionDeniedError, UnauthorizedError } from '../common/domain-errors.js';
import { looksLikeApiKey } from '../keys/api-key-secret.js';
import { ApiKeysService } from '../keys/api-keys.service.js';
import { RateLimiterService } from '../rate-limit/rate-limiter.service.js';
import { viaDashboard } from '../session/dashboard-routes.js';
import { changesState } from '../session/session-cookie.js';
import { SessionStore } from '../session/session-store.js';
import { AUTH_MODE, type AuthMode } from './auth-mode.js';
import type { Principal } from './principal.js';

/** passport-jwt, with its failures turned into our typed error. */
@Injectable()
export class JwtPassportGuard extends PassportAuthGuard('jwt') {
  override handleRequest<T = Principal>(error: unknown, principal: T | false): T {
    if (error || !principal) throw new UnauthorizedError('Invalid or expired access token');
    return principal;
  }
}

/**
 * One guard for every authenticated route. `esl_…` bearer tokens are API keys (rate-limited per key);
 * anything else is tried as a JWT. Routes declare which of the two they take with @Auth(mode).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly limiter: RateLimiterService,
    private readonly jwtGuard: JwtPassportGuard,
    private readonly sessions: SessionStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const mode = this.reflector.getAllAndOverride<AuthMode | undefined>(AUTH_MODE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!mode) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    if (viaDashboard(request.originalUrl)) {
      request.principal = await this.sessionPrincipal(request, mode);
      return true;
    }
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthorizedError('Missing authorization header (expected "Bearer <token>")');

    if (looksLikeApiKey(token)) {
      if (mode === 'jwt')
        throw new PermissionDeniedError('This route takes a login access token, not an API key');
      const key = await this.apiKeys.authenticate(token);
      const state = await this.limiter.hit('api-key', key.id);
      void http
        .getResponse<FastifyReply>()
        .header('ratelimit-limit', state.limit)
        .header('ratelimit-remaining', state.remaining);
      request.principal = { userId: key.userId, via: 'api-key', apiKeyId: key.id };
      return true;
    }

    if (mode === 'api-key') throw new UnauthorizedError('This route takes an API key');
    // Bare API keys (old Stability examples) are handled above; the JWT extractor needs the Bearer form.
    await this.jwtGuard.canActivate(context);
    request.principal = (request as FastifyRequest & { user?: Principal }).user;
    if (!request.principal) throw new UnauthorizedError('Invalid or expired access token');
    return true;
  }

  /** Dashboard routes take the session cookie only (never a bearer), and its CSRF token to change anything. */
  private async sessionPrincipal(request: FastifyRequest, mode: AuthMode): Promise<Principal> {
    if (mode === 'api-key') throw new PermissionDeniedError('This route takes an API key');
    const session = await this.sessions.of(request);
    if (!session) throw new UnauthorizedError('Not signed in, or the session has ended');
    if (changesState(request.method)) this.sessions.checkCsrf(session.id, request);
    return { userId: session.userId, via: 'session' };
  }
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match) return match[1];
  const bare = header.trim();
  return looksLikeApiKey(bare) ? bare : undefined;
}
