// Account resources: auth, keys, billing.
import type { RequestOptions, Transport } from './http.js';
import { PageIterator } from './pagination.js';
import { randomKey } from './random-key.js';
import type {
  ApiKey,
  CreatedApiKey,
  Credentials,
  LedgerEntry,
  LoginResponse,
  Me,
  Page,
  PageQuery,
  SignupResponse,
} from './types.js';

export class Auth {
  constructor(private readonly transport: Transport) {}

  /** Creates an account (with the sign-up grant) and returns a short-lived access token. */
  signup(credentials: Credentials, options: RequestOptions = {}): Promise<SignupResponse> {
    return this.transport.json({ ...options, method: 'POST', path: '/api/auth/signup', json: credentials });
  }

  /** Exchanges email and password for a short-lived access token (for `keys.*`, or the dashboard). */
  login(credentials: Credentials, options: RequestOptions = {}): Promise<LoginResponse> {
    return this.transport.json({
      ...options,
      method: 'POST',
      path: '/api/auth/login',
      json: credentials,
      idempotent: true, // changes nothing on the server
    });
  }

  /** The calling user and their credits. */
  me(options: RequestOptions = {}): Promise<Me> {
    return this.transport.json({ ...options, method: 'GET', path: '/api/me' });
  }
}

/** API keys; the API takes a login access token for these, not an API key. */
export class Keys {
  constructor(private readonly transport: Transport) {}

  /** The secret is in this answer only. */
  create(name: string, options: RequestOptions = {}): Promise<CreatedApiKey> {
    return this.transport.json({ ...options, method: 'POST', path: '/api/keys', json: { name } });
  }

  async list(options: RequestOptions = {}): Promise<ApiKey[]> {
    const page = await this.transport.json<{ data: ApiKey[] }>({
      ...options,
      method: 'GET',
      path: '/api/keys',
    });
    return page.data;
  }

  /** The key answers 401 from now on. */
  async revoke(id: string, options: RequestOptions = {}): Promise<void> {
    await this.transport.json<void>({
      ...options,
      method: 'DELETE',
      path: `/api/keys/${encodeURIComponent(id)}`,
    });
  }
}

export interface CreditPack {
  id: string;
  name: string;
  credits: number;
  /** Price in the currency's minor unit (cents for usd). */
  amount: number;
  /** ISO 4217, lower case. */
  currency: string;
}

export interface CreditPackList {
  /** False when the server has no Stripe keys: checkout answers 503 billing_not_configured. */
  enabled: boolean;
  data: CreditPack[];
}

export interface CheckoutSession {
  /** Stripe Checkout Session id (cs_…). */
  id: string;
  /** Stripe Checkout's page: open it in a browser to pay. */
  url: string;
}

export type PurchaseStatus = 'pending' | 'paid' | 'failed' | 'refunded' | 'partially_refunded' | 'disputed';

export interface Purchase {
  id: string;
  packId: string;
  credits: number;
  amount: number;
  currency: string;
  status: PurchaseStatus;
  failureReason: 'async_payment_failed' | 'expired' | null;
  amountRefunded: number;
  amountDisputed: number;
  creditsGranted: number;
  creditsReversed: number;
  creditsShortfall: number;
  stripeCheckoutSessionId: string;
  stripePaymentIntentId: string | null;
  stripeChargeId: string | null;
  createdAt: string;
  paidAt: string | null;
  failedAt: string | null;
  refundedAt: string | null;
  disputedAt: string | null;
  /** The credit movements this purchase caused, oldest first. */
  ledgerEntries: LedgerEntry[];
}

export interface PurchasePage extends Page<Purchase> {
  /** flagged: a refund or dispute took back less than it should have. */
  account: { flagged: boolean; shortfallCredits: number };
}

export interface CheckoutOptions extends RequestOptions {
  /** Sent as Idempotency-Key (default: random per call, reused by its retries): one Checkout Session. */
  idempotencyKey?: string;
}

/** Credit packs bought through Stripe Checkout; credits arrive when Stripe confirms the payment. */
export class Billing {
  constructor(private readonly transport: Transport) {}

  /** The packs on sale, and whether billing is enabled on this server (no auth needed). */
  packs(options: RequestOptions = {}): Promise<CreditPackList> {
    return this.transport.json({ ...options, method: 'GET', path: '/api/billing/packs' });
  }

  /** A Checkout Session for one pack; send the user to `url`. */
  checkout(packId: string, options: CheckoutOptions = {}): Promise<CheckoutSession> {
    const { idempotencyKey, ...rest } = options;
    return this.transport.json({
      ...rest,
      method: 'POST',
      path: '/api/billing/checkout',
      json: { packId },
      headers: { ...rest.headers, 'idempotency-key': idempotencyKey ?? randomKey() },
      idempotent: true,
    });
  }

  /** Purchases, newest first, each with the ledger entries it caused. */
  purchases(query: PageQuery = {}, options: RequestOptions = {}): PageIterator<Purchase, PurchasePage> {
    return new PageIterator(
      (page) =>
        this.transport.json<PurchasePage>({
          ...options,
          method: 'GET',
          path: '/api/billing/purchases',
          query: { limit: page.limit, cursor: page.cursor },
        }),
      query,
    );
  }
}
