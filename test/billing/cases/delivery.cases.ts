// Bad deliveries change nothing; events that are not ours are acknowledged and ignored.
import { expect, it } from 'vitest';
import { call, expectErrorShape } from '../../support/app.js';
import type { SignatureMode } from '../../support/stripe-server/index.js';
import { SIGNUP_CREDITS, type BillingHarness } from '../billing-harness.js';

const BAD: SignatureMode[] = ['missing', 'forged', 'stale', 'tampered', 'malformed'];

export function deliveryCases(harness: () => BillingHarness): void {
  it('refuses every unsigned, forged, stale, tampered or malformed delivery with 400 invalid_signature, changing nothing', async () => {
    const h = harness();
    const user = await h.user();
    const session = await h.checkout(user);
    h.stripe.setAutoDeliver(false);
    const completed = h.stripe.pay(session.id);
    const refunded = h.stripe.refund(session.id);
    h.stripe.setAutoDeliver(true);

    for (const event of [completed, refunded]) {
      for (const signature of BAD) {
        const results = await h.stripe.deliver(event, { signature, copies: 2 });
        for (const r of results) {
          expect(r.status, `${event.type} ${signature}`).toBe(400);
          expect((r.body as { name: string }).name).toBe('invalid_signature');
        }
      }
      expect(await h.eventRows(event.id)).toEqual([]);
    }
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS);
    expect(await h.purchase(user, session.id)).toMatchObject({
      status: 'pending',
      creditsGranted: 0,
      stripePaymentIntentId: null,
    });
    const logs = h.api.logs.join('\n');
    expect(logs).not.toContain(h.stripe.webhookSecret);
    expect(logs).not.toContain(h.stripe.secretKey);

    // The genuine delivery of the same event still counts, exactly once.
    const [ok] = await h.stripe.deliver(completed);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ received: true, outcome: 'processed' });
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS + 1000);
  });

  it('refuses a body that is not JSON, or a JSON body without a signature, as 4xx with a code', async () => {
    const h = harness();
    const url = '/api/billing/stripe/webhook';
    expectErrorShape(
      await call(h.api.url, 'POST', url, { body: '{"id":', headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_request',
    );
    expectErrorShape(
      await call(h.api.url, 'POST', url, { json: { id: 'evt_x', type: 'checkout.session.completed' } }),
      400,
      'invalid_signature',
    );
    expectErrorShape(
      await call(h.api.url, 'POST', url, {
        body: 'x',
        headers: { 'content-type': 'text/plain', 'stripe-signature': 't=1,v1=00' },
      }),
      415,
      'unsupported_media_type',
    );
  });

  it('acknowledges events it does not handle and sessions that are not Easel purchases, without recording money', async () => {
    const h = harness();
    const other = h.stripe.store.emit(
      'customer.created',
      h.stripe.store.createCustomer({ email: 'x@y.test' }),
    );
    await h.stripe.settled();
    const [reply] = await h.stripe.deliver(other);
    expect(reply.body).toEqual({ received: true, outcome: 'ignored' });

    // A session made by someone else on the same Stripe account (no Easel metadata).
    const foreign = h.stripe.store.createSession({
      amount: 500,
      currency: 'usd',
      success_url: 'https://x.test',
      cancel_url: null,
    });
    h.stripe.pay(foreign.id);
    await h.stripe.settled();
    const delivered = h.stripe.deliveries.filter((d) => d.type === 'checkout.session.completed').at(-1)!;
    expect(delivered.body).toEqual({ received: true, outcome: 'ignored' });
    expect(await h.prisma.purchase.count({ where: { stripeCheckoutSessionId: foreign.id } })).toBe(0);
  });
}
