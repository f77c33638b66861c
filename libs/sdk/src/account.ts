// Account resources: auth, keys, billing.
import type { RequestOptions, Transport } from './http.js';
import { PageIterator } from './pagination.js';
import type {
  ApiKey,
  CreatedApiKey,
  Credentials,
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
  /** Price in the currency's smallest unit (cents). */
  amount: number;
  currency: string;
}

export interface CheckoutSession {
  id: string;
  /** Stripe Checkout's page: open it in a browser to pay. */
  url: string;
}

export interface Purchase {
  id: string;
  packId: string;
  credits: number;
  amount: number;
  currency: string;
  status: string;
  createdAt: string;
}

/** Credit packs bought through Stripe Checkout; credits arrive when Stripe confirms the payment. */
export class Billing {
  constructor(private readonly transport: Transport) {}

  async packs(options: RequestOptions = {}): Promise<CreditPack[]> {
    const page = await this.transport.json<{ data: CreditPack[] }>({
      ...options,
      method: 'GET',
      path: '/api/billing/packs',
    });
    return page.data;
  }

  /** A Checkout session for one pack; send the user to `url`. */
  checkout(packId: string, options: RequestOptions = {}): Promise<CheckoutSession> {
    return this.transport.json({
      ...options,
      method: 'POST',
      path: '/api/billing/checkout',
      json: { packId },
    });
  }

  purchases(query: PageQuery = {}, options: RequestOptions = {}): PageIterator<Purchase> {
    return new PageIterator(
      (page) =>
        this.transport.json<Page<Purchase>>({
          ...options,
          method: 'GET',
          path: '/api/billing/purchases',
          query: { limit: page.limit, cursor: page.cursor },
        }),
      query,
    );
  }
}
