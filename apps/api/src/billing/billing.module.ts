import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { BillingController } from './billing.controller.js';
import { BillingRepository } from './billing.repository.js';
import { BillingService } from './billing.service.js';
import { CreditAdjustmentsService } from './credit-adjustments.service.js';
import { PurchaseSettlementService } from './purchase-settlement.service.js';
import { stripeClientProvider } from './stripe-client.provider.js';
import { StripeWebhookController } from './stripe-webhook.controller.js';
import { StripeWebhookService } from './stripe-webhook.service.js';

/** Buying credits with Stripe Checkout. Needs the global DatabaseModule and ConfigModule. */
@Module({
  imports: [AuthModule, LedgerModule],
  controllers: [BillingController, StripeWebhookController],
  providers: [
    stripeClientProvider,
    BillingRepository,
    BillingService,
    PurchaseSettlementService,
    StripeWebhookService,
    CreditAdjustmentsService,
  ],
  exports: [BillingService, BillingRepository, CreditAdjustmentsService],
})
export class BillingModule {}
