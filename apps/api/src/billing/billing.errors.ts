import { DomainError } from '../common/domain-errors.js';

/** STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET are not set: 503, the rest of the API runs. */
export class BillingNotConfiguredError extends DomainError {
  readonly code = 'billing_not_configured';
  constructor() {
    super('Billing is not configured on this server (no Stripe keys); buying credits is unavailable');
  }
}

/** A webhook whose Stripe-Signature is missing, forged, stale or not over these exact bytes: 400, nothing changes. */
export class InvalidSignatureError extends DomainError {
  readonly code = 'invalid_signature';
}

/** Stripe could not be reached or failed (after the SDK's retries): 503, the client may try again. */
export class PaymentProviderUnavailableError extends DomainError {
  readonly code = 'service_unavailable';
  constructor() {
    super('The payment provider is unavailable; try again in a moment');
  }
}
