import { LoginRequest, LoginResponse, SignupRequest, SignupResponse } from '@easel/contracts';
import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiZodResponse, ValidBody } from '../common/validated.decorators.js';
import { AuthIpRateLimitGuard } from '../rate-limit/auth-ip-rate-limit.guard.js';
import { AuthService } from './auth.service.js';

@ApiTags('auth')
@Controller('api/auth')
@UseGuards(AuthIpRateLimitGuard)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  @ApiOperation({ summary: 'Create an account (200 free credits) and log in' })
  @ApiZodResponse(201, SignupResponse, 'Account created')
  @ApiErrors(400, 409, 413, 429)
  signup(@ValidBody(SignupRequest) body: SignupRequest): Promise<SignupResponse> {
    return this.auth.signup(body);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for a short-lived access token' })
  @ApiZodResponse(200, LoginResponse)
  @ApiErrors(400, 401, 413, 429)
  login(@ValidBody(LoginRequest) body: LoginRequest): Promise<LoginResponse> {
    return this.auth.login(body);
  }
}
