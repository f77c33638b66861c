import { performance } from 'node:perf_hooks';
import type { StripeWebhookAck } from '@easel/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type Stripe from 'stripe';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import {
  BillingNotConfiguredError,
  InvalidSignatureError,
  PaymentProviderUnavailableError,
} from './billing.errors.js';
import { BillingRepository } from './billing.repository.js';
import {
  PurchaseSettlementService,
  type SettlementOutcome,
  type SettlementTarget,
} from './purchase-settlement.service.js';
import { effectOf, type EventEffect, seedOf, sessionFacts } from './stripe-events.js';
import { STRIPE_CLIENT } from './stripe-client.provider.js';

/** Verifies Stripe's signature over the raw body and applies the event to its purchase, exactly once. */
@Injectable()
export class StripeWebhookService {
  constructor(
    @Inject(STRIPE_CLIENT) private readonly stripe: Stripe | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: BillingRepository,
    private readonly settlement: PurchaseSettlementService,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(StripeWebhookService.name);
  }

  async handle(rawBody: Buffer | undefined, signature: string | undefined): Promise<StripeWebhookAck> {
    const stripe = this.stripe;
    const secret = this.config.billing.stripe?.webhookSecret;
    if (!stripe || !secret) throw new BillingNotConfiguredError();
    const started = performance.now();
    const event = this.verify(stripe, rawBody, signature, secret);

    const effect = effectOf(event);
    let result: SettlementOutcome;
    if (!effect) result = { outcome: 'ignored' };
    else if (await this.repository.eventRecorded(event.id)) result = { outcome: 'duplicate' };
    else result = await this.settlement.apply(event, await this.resolve(stripe, effect));
    const ms = Math.round(performance.now() - started);
    // One line per event (credits granted / taken back / short): what an audit log or metrics can build on.
    this.logger.info({ stripeEvent: event.id, type: event.type, ...result, ms }, 'stripe webhook');
    if (result.outcome === 'processed' && result.shortfall > 0) {
      this.logger.warn(
        { stripeEvent: event.id, purchaseId: result.purchaseId, shortfall: result.shortfall },
        'refund or dispute of spent credits: account flagged',
      );
    }
    const { outcome } = result;
    return { received: true, outcome };
  }

  /** Stripe's own check: HMAC-SHA256 over the exact bytes received, within the default 300 s tolerance. */
  private verify(
    stripe: Stripe,
    rawBody: Buffer | undefined,
    signature: string | undefined,
    secret: string,
  ): Stripe.Event {
    if (!signature) throw new InvalidSignatureError('Missing Stripe-Signature header');
    if (!rawBody) throw new InvalidSignatureError('Missing request body');
    try {
      return stripe.webhooks.constructEvent(rawBody, signature, secret);
    } catch (error) {
      // The SDK's message says what did not match (timestamp, signature); it never contains the secret.
      throw new InvalidSignatureError(`Stripe signature verification failed: ${(error as Error).message}`);
    }
  }

  /** Which purchase the event is about; a refund or dispute of a payment we have not linked yet asks Stripe. */
  private async resolve(stripe: Stripe, effect: EventEffect): Promise<SettlementTarget | null> {
    if (effect.key.kind === 'session') {
      return { sessionId: effect.key.sessionId, seed: effect.key.seed, facts: [effect.facts] };
    }
    const known = await this.repository.sessionIdOfPaymentIntent(effect.key.paymentIntentId);
    if (known) return { sessionId: known, seed: null, facts: [effect.facts] };

    // The charge event came before the session's completion (Stripe does not order events): find the session.
    let sessions: Stripe.ApiList<Stripe.Checkout.Session>;
    try {
      sessions = await stripe.checkout.sessions.list({
        payment_intent: effect.key.paymentIntentId,
        limit: 1,
      });
    } catch (error) {
      this.logger.warn(
        { err: error, paymentIntent: effect.key.paymentIntentId },
        'stripe session lookup failed',
      );
      throw new PaymentProviderUnavailableError();
    }
    const session = sessions.data[0];
    if (!session || session.mode !== 'payment') return null;
    const seed = seedOf(session);
    if (!seed) return null;
    return { sessionId: session.id, seed, facts: [sessionFacts(session), effect.facts] };
  }
}
