import { Module } from '@nestjs/common';
import { AuthIpRateLimitGuard } from './auth-ip-rate-limit.guard.js';
import { RateLimiterService } from './rate-limiter.service.js';

@Module({
  providers: [RateLimiterService, AuthIpRateLimitGuard],
  exports: [RateLimiterService, AuthIpRateLimitGuard],
})
export class RateLimitModule {}
