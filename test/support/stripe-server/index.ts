// A local Stripe for tests and development: the real `stripe` SDK talks to it through its host/port/protocol
// options (Easel: STRIPE_API_BASE), and it delivers webhooks signed with the SDK's generateTestHeaderString.
// See README.md beside this file.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { StripeApi, type RecordedRequest } from './api.js';
import { handleCheckoutPage } from './checkout-page.js';
import { handleControl } from './control.js';
import { deliverEvent, type DeliverOptions, type DeliveryResult } from './delivery.js';
import { StripeStore, StripeTestError, type TestEvent } from './store.js';

export type { DeliverOptions, DeliveryResult, SignatureMode } from './delivery.js';
export { payloadOf } from './delivery.js';
export type { RecordedRequest } from './api.js';
export type { StripeObject, TestEvent } from './store.js';

export interface StripeTestServerOptions {
  /** Default 0: any free port. */
  port?: number;
  host?: string;
  /** Defaults: fresh random sk_test_… and whsec_… values. */
  secretKey?: string;
  webhookSecret?: string;
  /** Where events go (Easel: …/api/billing/stripe/webhook); settable later. */
  webhookUrl?: string;
  /** Deliver each event as it happens, retrying non-2xx answers like Stripe does. Default true. */
  autoDeliver?: boolean;
  /** Attempts per event when auto-delivering (default 6) and the first retry's delay, doubling (default 50 ms). */
  maxAttempts?: number;
  retryBackoffMs?: number;
}

type Target = { sessionId?: string; paymentIntentId?: string; chargeId?: string };

export interface StripeTestServer {
  /** http://host:port — the SDK's host/port/protocol, or STRIPE_API_BASE. */
  url: string;
  secretKey: string;
  webhookSecret: string;
  /** The variables that point Easel's API at this server. */
  env: { STRIPE_SECRET_KEY: string; STRIPE_WEBHOOK_SECRET: string; STRIPE_API_BASE: string };
  store: StripeStore;
  /** Every API request received, in order (method, path, params, Idempotency-Key, Stripe-Version). */
  requests: RecordedRequest[];
  /** Every webhook delivery made, automatic or explicit. */
  deliveries: DeliveryResult[];
  setWebhookUrl(url: string | null): void;
  setAutoDeliver(on: boolean): void;
  /** The customer pays the session (card, or `async`: a delayed method settled by succeed/failAsyncPayment). */
  pay(sessionId: string, opts?: { async?: boolean }): TestEvent;
  succeedAsyncPayment(sessionId: string): TestEvent;
  failAsyncPayment(sessionId: string): TestEvent;
  expire(sessionId: string): TestEvent;
  /** Refund `amount` (minor units; default all that is left) of a session's / PaymentIntent's / charge's charge. */
  refund(target: Target | string, amount?: number): TestEvent;
  dispute(target: Target | string, amount?: number): TestEvent;
  events(type?: string): TestEvent[];
  /** One explicit delivery (any signature mode, copies at once, delay); recorded in `deliveries`. */
  deliver(event: TestEvent, opts?: DeliverOptions): Promise<DeliveryResult[]>;
  /** Resolves once every automatic delivery so far has ended (delivered or out of attempts). */
  settled(): Promise<void>;
  /** The next `count` API requests fail with `status` (a Stripe outage). */
  failApiRequests(count: number, status?: number): void;
  close(): Promise<void>;
}

const toTarget = (target: Target | string): Target =>
  typeof target === 'string' ? { sessionId: target } : target;

export async function startStripeTestServer(opts: StripeTestServerOptions = {}): Promise<StripeTestServer> {
  const secretKey = opts.secretKey ?? `sk_test_easel${randomBytes(18).toString('hex')}`;
  const webhookSecret = opts.webhookSecret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  let webhookUrl = opts.webhookUrl ?? null;
  let autoDeliver = opts.autoDeliver ?? true;
  const maxAttempts = opts.maxAttempts ?? 6;
  const backoffMs = opts.retryBackoffMs ?? 50;
  let baseUrl = '';

  const store = new StripeStore(() => baseUrl);
  const api = new StripeApi(store, secretKey);
  const deliveries: DeliveryResult[] = [];
  const pending = new Set<Promise<void>>();
  let closed = false;

  const deliverWithRetries = async (event: TestEvent): Promise<void> => {
    for (let attempt = 1; attempt <= maxAttempts && !closed && webhookUrl; attempt++) {
      const [result] = await deliverEvent(webhookUrl, event, webhookSecret);
      deliveries.push(result);
      if (result.status !== null && result.status >= 200 && result.status < 300) return;
      await sleep(backoffMs * 2 ** (attempt - 1));
    }
  };
  store.onEvent = (event) => {
    if (!autoDeliver || !webhookUrl) return;
    const delivery = deliverWithRetries(event).finally(() => pending.delete(delivery));
    pending.add(delivery);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stripe.test');
    const handler = url.pathname.startsWith('/v1/')
      ? api.handle(req, res, url)
      : url.pathname.startsWith('/_test/')
        ? handleControl(testServer, req, res, url)
        : handleCheckoutPage(store, req, res, url);
    handler.catch((error: unknown) => {
      const message = error instanceof StripeTestError ? error.message : String(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  const testServer: StripeTestServer = {
    url: baseUrl,
    secretKey,
    webhookSecret,
    env: { STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE: baseUrl },
    store,
    requests: api.requests,
    deliveries,
    setWebhookUrl: (url) => {
      webhookUrl = url;
    },
    setAutoDeliver: (on) => {
      autoDeliver = on;
    },
    pay: (sessionId, o) => store.pay(sessionId, o),
    succeedAsyncPayment: (sessionId) => store.succeedAsyncPayment(sessionId),
    failAsyncPayment: (sessionId) => store.failAsyncPayment(sessionId),
    expire: (sessionId) => store.expire(sessionId),
    refund: (target, amount) => store.refund(toTarget(target), amount).event,
    dispute: (target, amount) => store.dispute(toTarget(target), amount),
    events: (type) => store.events.filter((e) => type === undefined || e.type === type),
    deliver: async (event, o) => {
      if (!webhookUrl) throw new Error('Stripe test server: no webhook URL set');
      const results = await deliverEvent(webhookUrl, event, webhookSecret, o);
      deliveries.push(...results);
      return results;
    },
    settled: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    failApiRequests: (count, status = 500) => {
      api.failures = { remaining: count, status };
    },
    close: async () => {
      closed = true;
      await Promise.all([...pending]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return testServer;
}
