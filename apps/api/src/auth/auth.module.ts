import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { KeysCoreModule } from '../keys/keys-core.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { UsersRepository } from '../users/users.repository.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard, JwtPassportGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { JWT_ISSUER, JwtStrategy } from './jwt.strategy.js';
import { SessionStore } from '../session/session-store.js';
import { LoginLockout } from './login-lockout.js';

@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwt.secret,
        signOptions: { algorithm: 'HS256', expiresIn: config.jwt.ttlSeconds, issuer: JWT_ISSUER },
      }),
    }),
    KeysCoreModule,
    LedgerModule,
    RateLimitModule,
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    UsersRepository,
    JwtStrategy,
    JwtPassportGuard,
    AuthGuard,
    LoginLockout,
    SessionStore,
  ],
  exports: [
    AuthService,
    AuthGuard,
    JwtPassportGuard,
    UsersRepository,
    SessionStore,
    KeysCoreModule,
    RateLimitModule,
  ],
})
export class AuthModule {}
