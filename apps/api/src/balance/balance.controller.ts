import { Balance, LedgerPage, LedgerQuery } from '@easel/contracts';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiErrors, ApiZodResponse, ValidQuery } from '../common/validated.decorators.js';
import { LedgerService } from '../ledger/ledger.service.js';

@ApiTags('account')
@Controller()
@Auth('account')
export class BalanceController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('api/balance')
  @ApiOperation({ summary: 'Credits left' })
  @ApiZodResponse(200, Balance)
  async balance(@CurrentPrincipal() principal: Principal): Promise<Balance> {
    return { credits: await this.ledger.getBalance(principal.userId) };
  }

  @Get('v1/user/balance')
  @ApiOperation({ summary: 'Stability v1: credits left' })
  @ApiZodResponse(200, Balance)
  async v1Balance(@CurrentPrincipal() principal: Principal): Promise<Balance> {
    return { credits: await this.ledger.getBalance(principal.userId) };
  }

  @Get('api/ledger')
  @ApiOperation({ summary: 'Credit movements, newest first; pass nextCursor back as cursor for older ones' })
  @ApiZodResponse(200, LedgerPage)
  @ApiErrors(400)
  async ledgerPage(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(LedgerQuery) query: LedgerQuery,
  ): Promise<LedgerPage> {
    const page = await this.ledger.listEntries(principal.userId, query);
    return {
      data: page.data.map((entry) => ({ ...entry, createdAt: entry.createdAt.toISOString() })),
      nextCursor: page.nextCursor,
    };
  }
}
