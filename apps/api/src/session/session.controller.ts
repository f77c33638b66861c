import { LoginRequest, SessionResponse, SignupRequest, type PublicUser } from '@easel/contracts';
import { Controller, Delete, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService, toPublicUser } from '../auth/auth.service.js';
import { UnauthorizedError } from '../common/domain-errors.js';
import { ApiErrors, ApiZodResponse, ValidBody } from '../common/validated.decorators.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AuthIpRateLimitGuard } from '../rate-limit/auth-ip-rate-limit.guard.js';
import { UsersRepository } from '../users/users.repository.js';
import { clearSessionCookie, CSRF_HEADER, sessionIdFrom, setSessionCookie } from './session-cookie.js';
import { SessionStore } from './session-store.js';

const SIGNED_OUT = 'Not signed in';

/** The web dashboard's sign-in: a cookie session (same origin only), used through `/api/dashboard/…`. */
@ApiTags('dashboard session')
@Controller('api/session')
export class SessionController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionStore,
    private readonly users: UsersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @UseGuards(AuthIpRateLimitGuard)
  @ApiOperation({ summary: 'Sign in to the dashboard: sets the httpOnly session cookie' })
  @ApiZodResponse(200, SessionResponse)
  @ApiErrors(400, 401, 413, 429)
  async signIn(
    @ValidBody(LoginRequest) body: LoginRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionResponse> {
    return this.start(await this.auth.verifyCredentials(body), reply);
  }

  @Post('signup')
  @UseGuards(AuthIpRateLimitGuard)
  @ApiOperation({ summary: 'Create an account (200 free credits) and sign in to the dashboard' })
  @ApiZodResponse(201, SessionResponse, 'Account created')
  @ApiErrors(400, 409, 413, 429)
  async signUp(
    @ValidBody(SignupRequest) body: SignupRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionResponse> {
    return this.start(await this.auth.createAccount(body), reply);
  }

  @Get()
  @ApiOperation({ summary: 'Who is signed in, and the CSRF token for state-changing requests' })
  @ApiZodResponse(200, SessionResponse)
  @ApiErrors(401)
  async current(@Req() request: FastifyRequest): Promise<SessionResponse> {
    const session = await this.sessions.of(request);
    const user = session === null ? null : await this.users.findById(session.userId);
    if (session === null || user === null) throw new UnauthorizedError(SIGNED_OUT);
    return { user: toPublicUser(user), csrfToken: this.sessions.csrfToken(session.id) };
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the session and clears the cookie' })
  @ApiHeader({ name: CSRF_HEADER, required: true })
  @ApiErrors(403)
  async signOut(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const id = sessionIdFrom(request);
    if (id !== undefined) {
      this.sessions.checkCsrf(id, request);
      await this.sessions.end(id);
    }
    clearSessionCookie(reply, this.config.session.secure);
  }

  private async start(user: PublicUser, reply: FastifyReply): Promise<SessionResponse> {
    const id = await this.sessions.create(user.id);
    setSessionCookie(reply, id, {
      maxAgeSeconds: this.config.session.ttlSeconds,
      secure: this.config.session.secure,
    });
    return { user, csrfToken: this.sessions.csrfToken(id) };
  }
}
