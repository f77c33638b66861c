// The Stripe test server against the real stripe SDK: what it answers must be what the SDK expects of Stripe.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStripeForm } from './form.js';
import { startStripeTestServer, type StripeTestServer } from './index.js';

let server: StripeTestServer;
let stripe: Stripe;
let receiver: Server;
const received: { headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  server = await startStripeTestServer({
    webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
  });
  const base = new URL(server.url);
  stripe = new Stripe(server.secretKey, {
    host: base.hostname,
    port: Number(base.port),
    protocol: 'http',
    maxNetworkRetries: 0,
  });
});
afterAll(async () => {
  await server.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function session(metadata: Record<string, string> = {}) {
  const customer = await stripe.customers.create({ email: 'buyer@easel.test' });
  return stripe.checkout.sessions.create({
    mode: 'payment',
    customer: customer.id,
    metadata,
    line_items: [
      { quantity: 1, price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'Pack' } } },
    ],
    success_url: 'http://app.test/credits?checkout=success&session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://app.test/credits?checkout=cancel',
  });
}

describe('form encoding', () => {
  it('parses the bracketed keys the SDK writes into objects and arrays', () => {
    expect(
      parseStripeForm(
        'mode=payment&line_items[0][price_data][unit_amount]=10&metadata[a%20b]=c+d&x[1]=q&x[0]=p',
      ),
    ).toEqual({
      mode: 'payment',
      line_items: [{ price_data: { unit_amount: '10' } }],
      metadata: { 'a b': 'c d' },
      x: ['p', 'q'],
    });
  });
});

describe('the Stripe test server with the stripe SDK', () => {
  it('creates customers and Checkout Sessions, retrievable and listable by PaymentIntent', async () => {
    const created = await session({ k: 'v' });
    expect(created).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      amount_total: 1000,
      currency: 'usd',
    });
    expect(created.url).toBe(`${server.url}/pay/${created.id}`);
    expect(created.metadata).toEqual({ k: 'v' });
    expect((await stripe.checkout.sessions.retrieve(created.id)).status).toBe('open');
    server.setAutoDeliver(false);
    server.pay(created.id);
    server.setAutoDeliver(true);
    const paid = await stripe.checkout.sessions.retrieve(created.id);
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const listed = await stripe.checkout.sessions.list({ payment_intent: paid.payment_intent as string });
    expect(listed.data.map((s) => s.id)).toEqual([created.id]);
    expect(server.requests.at(-1)?.stripeVersion).toBe(Stripe.API_VERSION);
  });

  it('replays a request with the same idempotency key and refuses the key with other parameters', async () => {
    const params = { email: 'same@easel.test' };
    const first = await stripe.customers.create(params, { idempotencyKey: 'key-1' });
    const again = await stripe.customers.create(params, { idempotencyKey: 'key-1' });
    expect(again.id).toBe(first.id);
    await expect(
      stripe.customers.create({ email: 'other@easel.test' }, { idempotencyKey: 'key-1' }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('answers unknown objects, bad keys and injected outages as Stripe does', async () => {
    await expect(stripe.checkout.sessions.retrieve('cs_test_missing')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
    });
    const wrongKey = new Stripe('sk_test_wrong', {
      host: new URL(server.url).hostname,
      port: new URL(server.url).port,
      protocol: 'http',
    });
    await expect(wrongKey.customers.create({})).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
    server.failApiRequests(1, 500);
    await expect(stripe.customers.create({})).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    await expect(stripe.customers.create({})).resolves.toMatchObject({ object: 'customer' });
  });

  it('refunds through the API and emits charge.refunded with the cumulative amount', async () => {
    const created = await session();
    server.pay(created.id);
    const intent = (await stripe.checkout.sessions.retrieve(created.id)).payment_intent as string;
    await stripe.refunds.create({ payment_intent: intent, amount: 300 });
    await stripe.refunds.create({ payment_intent: intent });
    const refunds = server.events('charge.refunded').filter((e) => e.data.object.payment_intent === intent);
    expect(refunds.map((e) => e.data.object.amount_refunded)).toEqual([300, 1000]);
    await expect(stripe.refunds.create({ payment_intent: intent, amount: 1 })).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
  });

  it('signs deliveries so that stripe.webhooks.constructEvent accepts them, and only the valid ones', async () => {
    const created = await session();
    const event = server.pay(created.id);
    await server.settled();
    const delivered = received.find((r) => r.body.includes(event.id))!;
    const verified = stripe.webhooks.constructEvent(
      delivered.body,
      delivered.headers['stripe-signature']!,
      server.webhookSecret,
    );
    expect(verified).toMatchObject({ id: event.id, type: 'checkout.session.completed' });
    expect(delivered.body).toBe(JSON.stringify(event, null, 2));

    for (const signature of ['missing', 'forged', 'stale', 'tampered', 'malformed'] as const) {
      const before = received.length;
      const [result] = await server.deliver(event, { signature });
      expect(result.status).toBe(200);
      const bad = received[before];
      expect(() =>
        stripe.webhooks.constructEvent(bad.body, bad.headers['stripe-signature'] ?? '', server.webhookSecret),
      ).toThrow();
    }
  });

  it('delivers copies at once, and retries a failing endpoint until it answers 2xx', async () => {
    const event = server.pay((await session()).id);
    await server.settled();
    const before = received.length;
    const results = await server.deliver(event, { copies: 10 });
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(received.length - before).toBe(10);

    let failuresLeft = 2;
    const flaky = createServer((_req, res) => {
      res.writeHead(failuresLeft-- > 0 ? 500 : 200).end();
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    server.setWebhookUrl(`http://127.0.0.1:${(flaky.address() as AddressInfo).port}/`);
    const retried = server.pay((await session()).id);
    await server.settled();
    expect(server.deliveries.filter((d) => d.eventId === retried.id).map((d) => d.status)).toEqual([
      500, 500, 200,
    ]);
    await new Promise<void>((resolve) => flaky.close(() => resolve()));
  });

  it('serves a hosted page whose Pay button completes the session and returns to the success URL', async () => {
    const created = await session();
    const page = await fetch(created.url!);
    expect(await page.text()).toContain('data-testid="pay"');
    const paid = await fetch(`${server.url}/pay/${created.id}/complete`, {
      method: 'POST',
      body: new URLSearchParams({ method: 'card' }),
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(
      `http://app.test/credits?checkout=success&session_id=${created.id}`,
    );
    expect(server.store.sessions.get(created.id)?.payment_status).toBe('paid');
  });

  it('offers the same actions over HTTP under /_test/ for tests in another process', async () => {
    const created = await session();
    const paid = await fetch(`${server.url}/_test/sessions/${created.id}/pay`, { method: 'POST' });
    expect(await paid.json()).toMatchObject({ type: 'checkout.session.completed' });
    const refund = await fetch(`${server.url}/_test/sessions/${created.id}/refund?amount=250`, {
      method: 'POST',
    });
    const refunded = (await refund.json()) as { id: string; data: { object: { amount_refunded: number } } };
    expect(refunded.data.object.amount_refunded).toBe(250);
    const deliver = await fetch(
      `${server.url}/_test/events/${refunded.id}/deliver?signature=forged&copies=2`,
      {
        method: 'POST',
      },
    );
    expect(((await deliver.json()) as unknown[]).length).toBe(2);
    expect((await fetch(`${server.url}/_test/sessions/cs_test_nope/pay`, { method: 'POST' })).status).toBe(
      404,
    );
  });
});
