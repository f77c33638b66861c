import { createHash, randomUUID } from 'node:crypto';
import type { CheckoutSession, CreditPackList, PurchasePage } from '@easel/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import Stripe from 'stripe';
import { InvalidRequestError } from '../common/domain-errors.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { IdempotencyConflictError } from '../generations/idempotency.js';
import { decodeLedgerCursor, encodeLedgerCursor } from '../ledger/ledger-cursor.js';
import { BillingNotConfiguredError, PaymentProviderUnavailableError } from './billing.errors.js';
import { BillingRepository } from './billing.repository.js';
import { toPurchaseView } from './dto/purchase-view.js';
import { METADATA } from './stripe-events.js';
import { STRIPE_CLIENT } from './stripe-client.provider.js';

/** Credit packs, Checkout Sessions and the purchase history. Webhooks: StripeWebhookService. */
@Injectable()
export class BillingService {
  constructor(
    @Inject(STRIPE_CLIENT) private readonly stripe: Stripe | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: BillingRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(BillingService.name);
  }

  packs(): CreditPackList {
    return { enabled: this.stripe !== null, data: this.config.billing.packs };
  }

  /**
   * A Stripe Checkout Session for one pack, and its pending purchase. `idempotencyKey` (the client's
   * Idempotency-Key, else one per request) makes a retried request return the same session.
   */
  async checkout(
    userId: string,
    packId: string,
    idempotencyKey: string | undefined,
  ): Promise<CheckoutSession> {
    const stripe = this.stripe;
    if (!stripe) throw new BillingNotConfiguredError();
    const pack = this.config.billing.packs.find((p) => p.id === packId);
    if (!pack) {
      const known = this.config.billing.packs.map((p) => p.id).join(', ');
      throw new InvalidRequestError(`Unknown packId "${packId}"; packs on sale: ${known}`);
    }
    const customer = await this.customerOf(stripe, userId);
    // Nothing per-request in the parameters: a retry with the same idempotency key must send the same ones.
    const metadata = {
      [METADATA.userId]: userId,
      [METADATA.packId]: pack.id,
      [METADATA.credits]: String(pack.credits),
    };
    const dashboard = `${this.config.billing.publicUrl}/credits`;
    const session = await this.callStripe(() =>
      stripe.checkout.sessions.create(
        {
          mode: 'payment',
          customer,
          client_reference_id: userId,
          metadata,
          payment_intent_data: { metadata },
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: pack.currency,
                unit_amount: pack.amount,
                product_data: { name: `Easel: ${pack.name}` },
              },
            },
          ],
          // Stripe fills {CHECKOUT_SESSION_ID} in; it must stay unencoded.
          success_url: `${dashboard}?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: `${dashboard}?checkout=cancel`,
        },
        { idempotencyKey: checkoutIdempotencyKey(userId, idempotencyKey) },
      ),
    );
    if (!session.url) throw new Error(`Stripe returned Checkout Session ${session.id} without a url`);
    // A replayed request (same idempotency key) returns the first session: its purchase exists already.
    await this.repository.insertPurchase({
      userId,
      packId: pack.id,
      credits: pack.credits,
      amount: session.amount_total ?? pack.amount,
      currency: session.currency ?? pack.currency,
      sessionId: session.id,
      customerId: customer,
    });
    this.logger.info({ userId, packId: pack.id, session: session.id }, 'checkout session created');
    return { id: session.id, url: session.url };
  }

  async purchases(userId: string, page: { cursor?: string; limit: number }): Promise<PurchasePage> {
    const before = page.cursor ? decodeLedgerCursor(page.cursor) : null;
    const [rows, account] = await Promise.all([
      this.repository.listPurchases(userId, page.limit + 1, before),
      this.repository.accountState(userId),
    ]);
    const data = rows.slice(0, page.limit);
    const last = data[data.length - 1];
    return {
      data: data.map(toPurchaseView),
      nextCursor: rows.length > page.limit && last ? encodeLedgerCursor(last) : null,
      account,
    };
  }

  /** One Stripe customer per user, created at the first checkout and kept (concurrent firsts agree). */
  private async customerOf(stripe: Stripe, userId: string): Promise<string> {
    const existing = await this.repository.stripeCustomerId(userId);
    if (existing) return existing;
    const email = await this.repository.userEmail(userId);
    const customer = await this.callStripe(() =>
      stripe.customers.create(
        { ...(email ? { email } : {}), metadata: { [METADATA.userId]: userId } },
        // Concurrent first checkouts of one user get the same customer back from Stripe.
        { idempotencyKey: `easel-customer:${userId}` },
      ),
    );
    return this.repository.keepStripeCustomerId(userId, customer.id);
  }

  private async callStripe<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof Stripe.errors.StripeIdempotencyError) throw new IdempotencyConflictError();
      if (
        error instanceof Stripe.errors.StripeConnectionError ||
        error instanceof Stripe.errors.StripeAPIError ||
        error instanceof Stripe.errors.StripeRateLimitError
      ) {
        this.logger.warn({ err: error }, 'stripe unavailable');
        throw new PaymentProviderUnavailableError();
      }
      throw error;
    }
  }
}

/** Scoped to the user (keys are per client, Stripe's are per account) and bounded under Stripe's 255 characters. */
function checkoutIdempotencyKey(userId: string, clientKey: string | undefined): string {
  const key =
    clientKey === undefined ? randomUUID() : createHash('sha256').update(clientKey).digest('base64url');
  return `easel-checkout:${userId}:${key}`;
}
