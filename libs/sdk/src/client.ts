import { Auth, Billing, Keys } from './account.js';
import type { GenerateOptions, GenerateResult } from './generations.js';
import { Generations } from './generations.js';
import { Transport, type ClientOptions, type RequestOptions } from './http.js';
import { PageIterator } from './pagination.js';
import type {
  Balance,
  CreateGenerationParams,
  Engine,
  LedgerEntry,
  Page,
  PageQuery,
  PricingQuote,
  PricingQuoteQuery,
} from './types.js';

/**
 * The Easel API client.
 *
 *     const easel = new Easel({ apiKey: process.env.EASEL_API_KEY, baseUrl: 'https://easel.example' });
 *     const { images, seeds } = await easel.generate({ engine: 'easel-tiny', prompt: 'a red circle' });
 */
export class Easel {
  readonly generations: Generations;
  readonly keys: Keys;
  readonly auth: Auth;
  readonly billing: Billing;
  readonly pricing: { quote(query?: PricingQuoteQuery, options?: RequestOptions): Promise<PricingQuote> };
  private readonly transport: Transport;

  constructor(readonly options: ClientOptions = {}) {
    this.transport = new Transport(options);
    this.generations = new Generations(this.transport);
    this.keys = new Keys(this.transport);
    this.auth = new Auth(this.transport);
    this.billing = new Billing(this.transport);
    this.pricing = {
      quote: (query = {}, requestOptions = {}) =>
        this.transport.json({
          ...requestOptions,
          method: 'GET',
          path: '/api/pricing/quote',
          query: { ...query },
        }),
    };
  }

  /** The base URL requests go to (without a trailing slash). */
  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** A client like this one with some options changed, e.g. `withOptions({ apiKey: accessToken })`. */
  withOptions(options: Partial<ClientOptions>): Easel {
    return new Easel({ ...this.options, ...options });
  }

  /** Generates and waits: the images (bytes) and seeds. See `generations.generate`. */
  generate(params: CreateGenerationParams, options?: GenerateOptions): Promise<GenerateResult> {
    return this.generations.generate(params, options);
  }

  balance(options: RequestOptions = {}): Promise<Balance> {
    return this.transport.json({ ...options, method: 'GET', path: '/api/balance' });
  }

  /** Credit movements, newest first: `for await (const entry of easel.ledger())`. */
  ledger(query: PageQuery = {}, options: RequestOptions = {}): PageIterator<LedgerEntry> {
    return new PageIterator(
      (page) =>
        this.transport.json<Page<LedgerEntry>>({
          ...options,
          method: 'GET',
          path: '/api/ledger',
          query: { limit: page.limit, cursor: page.cursor },
        }),
      query,
    );
  }

  /** Engines some worker serves now. */
  async engines(options: RequestOptions = {}): Promise<Engine[]> {
    const list = await this.transport.json<{ data: Engine[] }>({
      ...options,
      method: 'GET',
      path: '/api/engines',
    });
    return list.data;
  }
}
