import { StripeWebhookAck } from '@easel/contracts';
import { Controller, Headers, HttpCode, Post, type RawBodyRequest, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrors, ApiZodResponse } from '../common/validated.decorators.js';
import { StripeWebhookService } from './stripe-webhook.service.js';

@ApiTags('billing')
@Controller('api/billing/stripe')
export class StripeWebhookController {
  constructor(private readonly webhooks: StripeWebhookService) {}

  @Post('webhook')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stripe webhook endpoint (called by Stripe, not by clients)',
    description:
      'Verifies Stripe-Signature over the raw body (300 s tolerance) and applies checkout.session.completed, ' +
      '.async_payment_succeeded, .async_payment_failed, .expired, charge.refunded and charge.dispute.created ' +
      'exactly once per event id and purchase. Unsigned, forged or stale deliveries: 400 and nothing changes.',
  })
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: 't=<unix time>,v1=<HMAC-SHA256>' })
  @ApiBody({ schema: { type: 'object', description: 'A Stripe Event object, exactly as Stripe signed it' } })
  @ApiZodResponse(200, StripeWebhookAck)
  @ApiErrors(400, 503)
  receive(
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<StripeWebhookAck> {
    return this.webhooks.handle(request.rawBody, signature);
  }
}
