import { Me, V1Account } from '@easel/contracts';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiZodResponse } from '../common/validated.decorators.js';
import { UsersService } from './users.service.js';

@ApiTags('account')
@Controller()
@Auth('account')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('api/me')
  @ApiOperation({ summary: 'The calling user and their credits' })
  @ApiZodResponse(200, Me)
  me(@CurrentPrincipal() principal: Principal): Promise<Me> {
    return this.users.me(principal.userId);
  }

  @Get('v1/user/account')
  @ApiOperation({ summary: 'Stability v1: the account of the calling key' })
  @ApiZodResponse(200, V1Account)
  v1Account(@CurrentPrincipal() principal: Principal): Promise<V1Account> {
    return this.users.v1Account(principal.userId);
  }
}
