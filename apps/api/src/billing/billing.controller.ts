import {
  CheckoutRequest,
  CheckoutSession,
  CreditPackList,
  PurchasePage,
  PurchasesQuery,
} from '@easel/contracts';
import { Controller, Get, Headers, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiErrors, ApiZodResponse, ValidBody, ValidQuery } from '../common/validated.decorators.js';
import { checkIdempotencyKey } from '../generations/idempotency.js';
import { BillingService } from './billing.service.js';

@ApiTags('billing')
@Controller('api/billing')
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @Get('packs')
  @ApiOperation({ summary: 'Credit packs on sale, and whether billing is enabled on this server (no auth)' })
  @ApiZodResponse(200, CreditPackList)
  packs(): CreditPackList {
    return this.billing.packs();
  }

  @Post('checkout')
  @Auth('account')
  @ApiOperation({
    summary: 'Start buying a pack: a Stripe Checkout Session; send the browser to its url',
    description:
      'Credits arrive when Stripe confirms the payment (webhook), not when this returns. Stripe sends the ' +
      'browser back to PUBLIC_URL/credits?checkout=success&session_id=… or ?checkout=cancel.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retrying with the same key returns the same Checkout Session',
  })
  @ApiZodResponse(201, CheckoutSession, 'Checkout Session created')
  @ApiErrors(400, 409, 503)
  checkout(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(CheckoutRequest) body: CheckoutRequest,
    @Headers('idempotency-key') key: string | undefined,
  ): Promise<CheckoutSession> {
    const idempotencyKey = key === undefined ? undefined : checkIdempotencyKey(key);
    return this.billing.checkout(principal.userId, body.packId, idempotencyKey);
  }

  @Get('purchases')
  @Auth('account')
  @ApiOperation({
    summary: 'Purchases, newest first, with the ledger entries each caused and the account’s shortfall flag',
  })
  @ApiZodResponse(200, PurchasePage)
  @ApiErrors(400)
  purchases(
    @CurrentPrincipal() principal: Principal,
    @ValidQuery(PurchasesQuery) query: PurchasesQuery,
  ): Promise<PurchasePage> {
    return this.billing.purchases(principal.userId, query);
  }
}
