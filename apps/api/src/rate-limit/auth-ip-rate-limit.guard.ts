import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterService } from './rate-limiter.service.js';

/** Per client IP on sign-up and login (credential stuffing, mass sign-ups). */
@Injectable()
export class AuthIpRateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiterService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const state = await this.limiter.hit('auth-ip', request.ip);
    void http
      .getResponse<FastifyReply>()
      .header('ratelimit-limit', state.limit)
      .header('ratelimit-remaining', state.remaining);
    return true;
  }
}
