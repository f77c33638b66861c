import type { Provider } from '@nestjs/common';
import Stripe from 'stripe';
import type { AppConfig } from '../config/app-config.js';
import type { StripeSettings } from '../config/billing-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/** Injects `Stripe | null`: null when billing is not configured. */
export const STRIPE_CLIENT = Symbol('STRIPE_CLIENT');

/**
 * The API version stripe@23.2 pins (its types describe exactly this one). Upgrading the SDK fails a unit test
 * until this is changed too, after reading the changelog; the webhook endpoint should use the same version.
 */
export const STRIPE_API_VERSION = '2026-11-18.endive';

export function createStripeClient(settings: StripeSettings): Stripe {
  return new Stripe(settings.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    // Retries reuse the request's idempotency key, so a retried create never makes two objects.
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'Easel' },
    ...(settings.api ?? {}),
  });
}

export const stripeClientProvider: Provider = {
  provide: STRIPE_CLIENT,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): Stripe | null =>
    config.billing.stripe ? createStripeClient(config.billing.stripe) : null,
};
