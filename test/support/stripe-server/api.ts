// The part of Stripe's REST API Easel calls (and a test may call to refund), answering like Stripe:
// bearer-key auth, form-encoded parameters, idempotency keys, `{error: {type, message, code, param}}`.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FormValue, parseStripeForm } from './form.js';
import { type StripeObject, StripeStore, StripeTestError } from './store.js';

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, FormValue>;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  status: number;
}

interface Replay {
  fingerprint: string;
  status: number;
  body: unknown;
}

type Params = Record<string, FormValue>;

const str = (params: Params, name: string): string | undefined => {
  const value = params[name];
  return typeof value === 'string' ? value : undefined;
};
const map = (value: FormValue | undefined): Record<string, string> =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};
const missing = (param: string) =>
  new StripeTestError(400, 'invalid_request_error', `Missing required param: ${param}.`, {
    code: 'parameter_missing',
    param,
  });
const list = (url: string, data: StripeObject[]) => ({ object: 'list', data, has_more: false, url });

export class StripeApi {
  readonly requests: RecordedRequest[] = [];
  private readonly replays = new Map<string, Replay>();
  /** Requests still to fail with this status (to test how Easel copes with a Stripe outage). */
  failures: { remaining: number; status: number } = { remaining: 0, status: 500 };

  constructor(
    private readonly store: StripeStore,
    private readonly secretKey: string,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const text = await readBody(req);
    const method = req.method ?? 'GET';
    const idempotencyKey = header(req, 'idempotency-key');
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      params: {},
      idempotencyKey,
      stripeVersion: header(req, 'stripe-version'),
      status: 0,
    };
    this.requests.push(record);
    let status = 200;
    let body: unknown;
    const extraHeaders: Record<string, string> = { 'request-id': `req_${Date.now()}` };
    try {
      if (header(req, 'authorization') !== `Bearer ${this.secretKey}`) {
        throw new StripeTestError(401, 'invalid_request_error', 'Invalid API Key provided');
      }
      record.params = parseStripeForm(method === 'GET' ? url.search.slice(1) : text);
      if (this.failures.remaining > 0) {
        this.failures.remaining--;
        throw new StripeTestError(
          this.failures.status,
          'api_error',
          'Injected failure of the Stripe test server',
        );
      }
      const fingerprint = `${method} ${url.pathname} ${createHash('sha256').update(text).digest('hex')}`;
      const replay = method === 'POST' && idempotencyKey ? this.replays.get(idempotencyKey) : undefined;
      if (replay) {
        if (replay.fingerprint !== fingerprint) {
          throw new StripeTestError(
            400,
            'idempotency_error',
            `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          );
        }
        extraHeaders['idempotent-replayed'] = 'true';
        ({ status, body } = replay);
      } else {
        body = this.route(method, url, record.params);
        if (method === 'POST' && idempotencyKey)
          this.replays.set(idempotencyKey, { fingerprint, status, body });
      }
    } catch (error) {
      if (!(error instanceof StripeTestError)) throw error;
      status = error.status;
      body = { error: { type: error.type, message: error.message, ...error.extra } };
    }
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json', ...extraHeaders });
    res.end(JSON.stringify(body));
  }

  private route(method: string, url: URL, params: Params): unknown {
    const s = this.store;
    const path = url.pathname;
    const id = (prefix: string) => (path.startsWith(prefix) ? path.slice(prefix.length) : null);
    let m: string | null;
    if (method === 'POST' && path === '/v1/customers') {
      return s.createCustomer({
        email: str(params, 'email'),
        name: str(params, 'name'),
        metadata: map(params.metadata),
      });
    }
    if (method === 'GET' && (m = id('/v1/customers/'))) return s.get(s.customers, m, 'customer');
    if (method === 'POST' && path === '/v1/checkout/sessions') return this.createSession(params);
    if (method === 'GET' && path === '/v1/checkout/sessions') {
      const intent = str(params, 'payment_intent');
      const customer = str(params, 'customer');
      const found = [...s.sessions.values()]
        .filter((x) => (!intent || x.payment_intent === intent) && (!customer || x.customer === customer))
        .reverse()
        .slice(0, Number(str(params, 'limit') ?? 10));
      return list('/v1/checkout/sessions', found);
    }
    if (method === 'POST' && (m = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path)?.[1] ?? null)) {
      s.expire(m);
      return s.sessions.get(m);
    }
    if (method === 'GET' && (m = id('/v1/checkout/sessions/')))
      return s.get(s.sessions, m, 'checkout.session');
    if (method === 'POST' && path === '/v1/refunds') {
      const amount = str(params, 'amount');
      const target = { paymentIntentId: str(params, 'payment_intent'), chargeId: str(params, 'charge') };
      if (!target.paymentIntentId && !target.chargeId) throw missing('charge');
      return s.refund(target, amount === undefined ? undefined : Number(amount)).refund;
    }
    if (method === 'GET' && (m = id('/v1/refunds/'))) return s.get(s.refunds, m, 'refund');
    if (method === 'GET' && (m = id('/v1/charges/'))) return s.get(s.charges, m, 'charge');
    if (method === 'GET' && (m = id('/v1/payment_intents/')))
      return s.get(s.paymentIntents, m, 'payment_intent');
    if (method === 'GET' && (m = id('/v1/disputes/'))) return s.get(s.disputes, m, 'dispute');
    if (method === 'GET' && (m = id('/v1/events/'))) {
      const event = s.events.find((e) => e.id === m);
      if (!event)
        throw new StripeTestError(404, 'invalid_request_error', `No such event: '${m}'`, {
          code: 'resource_missing',
        });
      return event;
    }
    throw new StripeTestError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  /** mode=payment with one or more price_data line items: what a hosted Checkout for a pack needs. */
  private createSession(params: Params): StripeObject {
    if (str(params, 'mode') !== 'payment') {
      throw new StripeTestError(400, 'invalid_request_error', 'This test server supports mode=payment only', {
        param: 'mode',
      });
    }
    const items = params.line_items;
    if (!Array.isArray(items) || items.length === 0) throw missing('line_items');
    let amount = 0;
    let currency: string | undefined;
    items.forEach((item, i) => {
      if (typeof item !== 'object' || Array.isArray(item)) throw missing(`line_items[${i}]`);
      const price = item.price_data;
      if (!price || typeof price !== 'object' || Array.isArray(price))
        throw missing(`line_items[${i}][price_data]`);
      const unit = Number(price.unit_amount);
      const quantity = Number(item.quantity ?? '1');
      const product = price.product_data;
      if (!Number.isInteger(unit) || unit < 0) throw missing(`line_items[${i}][price_data][unit_amount]`);
      if (typeof price.currency !== 'string') throw missing(`line_items[${i}][price_data][currency]`);
      if (
        !product ||
        typeof product !== 'object' ||
        Array.isArray(product) ||
        typeof product.name !== 'string'
      ) {
        throw missing(`line_items[${i}][price_data][product_data][name]`);
      }
      amount += unit * quantity;
      currency = price.currency;
    });
    const successUrl = str(params, 'success_url');
    if (!successUrl) throw missing('success_url');
    const intentData = params.payment_intent_data;
    return this.store.createSession({
      customer: str(params, 'customer'),
      client_reference_id: str(params, 'client_reference_id'),
      metadata: map(params.metadata),
      payment_intent_metadata:
        intentData && typeof intentData === 'object' && !Array.isArray(intentData)
          ? map(intentData.metadata)
          : {},
      amount,
      currency: currency!,
      success_url: successUrl,
      cancel_url: str(params, 'cancel_url') ?? null,
    });
  }
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
