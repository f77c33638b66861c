// Packs, Checkout Sessions and the happy path: purchase → webhook → +1,000 credits.
import { STRIPE_API_VERSION } from '../../../apps/api/src/billing/stripe-client.provider.js';
import { expect, it } from 'vitest';
import { call, expectErrorShape } from '../../support/app.js';
import { eventually, SIGNUP_CREDITS, type BillingHarness } from '../billing-harness.js';

export function checkoutCases(harness: () => BillingHarness): void {
  it('lists the default packs without authentication and says billing is enabled', async () => {
    const h = harness();
    const reply = await call(h.api.url, 'GET', '/api/billing/packs');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      enabled: true,
      data: [
        { id: 'credits-1000', name: '1,000 credits', credits: 1000, amount: 1000, currency: 'usd' },
        { id: 'credits-5000', name: '5,000 credits', credits: 5000, amount: 4500, currency: 'usd' },
        { id: 'credits-25000', name: '25,000 credits', credits: 25000, amount: 20000, currency: 'usd' },
      ],
    });
  });

  it('purchase → Stripe Checkout → paid → webhook → balance +1,000, once, with the purchase on record', async () => {
    const h = harness();
    const user = await h.user();
    const session = await h.checkout(user);
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${h.stripe.url}/pay/${session.id}`);
    const pending = await h.purchase(user, session.id);
    expect(pending).toMatchObject({
      status: 'pending',
      credits: 1000,
      amount: 1000,
      currency: 'usd',
      packId: 'credits-1000',
    });
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS);

    h.stripe.pay(session.id);
    await h.stripe.settled();
    expect(await h.balance(user)).toBe(SIGNUP_CREDITS + 1000);
    const paid = await h.purchase(user, session.id);
    expect(paid).toMatchObject({
      status: 'paid',
      creditsGranted: 1000,
      creditsReversed: 0,
      creditsShortfall: 0,
    });
    expect(paid.paidAt).not.toBeNull();
    expect(paid.stripePaymentIntentId).toMatch(/^pi_/);
    expect(paid.ledgerEntries).toMatchObject([
      {
        amount: 1000,
        kind: 'purchase',
        reference: `stripe:checkout:${session.id}`,
        balanceAfter: SIGNUP_CREDITS + 1000,
      },
    ]);
    // The user's own ledger shows the same entry.
    const ledger = await call<{ data: { reference: string }[] }>(h.api.url, 'GET', '/api/ledger', {
      token: user.token,
    });
    expect(ledger.body.data[0].reference).toBe(`stripe:checkout:${session.id}`);
    // The audit trail has the purchase, under the same reference as the ledger.
    const audit = await h.prisma.auditEvent.findMany({
      where: { userId: user.id, action: 'credits.purchased' },
    });
    expect(audit).toMatchObject([
      {
        actor: 'system:billing',
        subject: `stripe:checkout:${session.id}`,
        details: { credits: 1000, amountMinor: 1000, currency: 'usd' },
      },
    ]);
  });

  it('sends Stripe what the purchase is: pinned API version, one customer per user, metadata, return URLs, idempotency keys', async () => {
    const h = harness();
    const user = await h.user();
    const first = await h.checkout(user, 'credits-5000');
    const second = await h.checkout(user, 'credits-1000');
    const stored = [first, second].map((s) => h.stripe.store.sessions.get(s.id)!);
    expect(stored[0].customer).toMatch(/^cus_/);
    expect(stored[1].customer).toBe(stored[0].customer);
    expect(h.stripe.store.customers.get(stored[0].customer as string)).toMatchObject({ email: user.email });
    expect(stored[0]).toMatchObject({
      mode: 'payment',
      amount_total: 4500,
      client_reference_id: user.id,
      metadata: { easel_user_id: user.id, easel_pack_id: 'credits-5000', easel_credits: '5000' },
      success_url: 'http://dashboard.test/credits?checkout=success&session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://dashboard.test/credits?checkout=cancel',
    });
    const creates = h.stripe.requests.filter(
      (r) =>
        r.path === '/v1/checkout/sessions' && r.method === 'POST' && r.params.client_reference_id === user.id,
    );
    expect(creates).toHaveLength(2);
    expect(creates.every((r) => r.stripeVersion === STRIPE_API_VERSION)).toBe(true);
    expect(new Set(creates.map((r) => r.idempotencyKey)).size).toBe(2);
    expect(
      h.stripe.requests.filter(
        (r) => r.path === '/v1/customers' && r.params.metadata && JSON.stringify(r.params).includes(user.id),
      ),
    ).toHaveLength(1);
  });

  it('returns the same session for a retried request with the same Idempotency-Key; another pack with it is a 409', async () => {
    const h = harness();
    const user = await h.user();
    const headers = { 'idempotency-key': `buy-${user.id}` };
    const first = await h.checkout(user, 'credits-1000', headers);
    const again = await h.checkout(user, 'credits-1000', headers);
    expect(again).toEqual(first);
    expect((await h.purchases(user)).data).toHaveLength(1);
    const conflict = await call(h.api.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      json: { packId: 'credits-5000' },
      headers,
    });
    expectErrorShape(conflict, 409, 'idempotency_conflict');
  });

  it('refuses bad input with a 4xx and a code, creating nothing at Stripe', async () => {
    const h = harness();
    const user = await h.user();
    const before = h.stripe.store.sessions.size;
    const post = (opts: Parameters<typeof call>[3]) =>
      call(h.api.url, 'POST', '/api/billing/checkout', { token: user.token, ...opts });
    expectErrorShape(await post({ json: { packId: 'credits-999' } }), 400, 'invalid_request');
    expectErrorShape(await post({ json: {} }), 400, 'invalid_request');
    expectErrorShape(await post({ json: { packId: 'credits-1000', extra: 1 } }), 400, 'invalid_request');
    expectErrorShape(await post({ json: { packId: 42 } }), 400, 'invalid_request');
    expectErrorShape(
      await post({ body: '{"packId":', headers: { 'content-type': 'application/json' } }),
      400,
      'invalid_request',
    );
    expectErrorShape(
      await post({ json: { packId: 'credits-1000' }, headers: { 'idempotency-key': '' } }),
      400,
      'invalid_request',
    );
    expectErrorShape(
      await call(h.api.url, 'POST', '/api/billing/checkout', { json: { packId: 'credits-1000' } }),
      401,
      'unauthorized',
    );
    const unknown = await post({ json: { packId: 'credits-999' } });
    expect((unknown.body as { message: string }).message).toContain('credits-1000');
    expect(h.stripe.store.sessions.size).toBe(before);
    expect((await h.purchases(user)).data).toEqual([]);
  });

  it('answers 503 while Stripe is down and stores nothing; the next try works', async () => {
    const h = harness();
    const user = await h.user();
    h.stripe.failApiRequests(10, 500);
    const down = await call(h.api.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      json: { packId: 'credits-1000' },
    });
    h.stripe.failApiRequests(0);
    expectErrorShape(down, 503, 'service_unavailable');
    expect((await h.purchases(user)).data).toEqual([]);
    await h.checkout(user);
    expect((await h.purchases(user)).data).toHaveLength(1);
  });

  it('works with an API key too, and through the hosted page a browser would use', async () => {
    const h = harness();
    const user = await h.user();
    const key = await call<{ key: string }>(h.api.url, 'POST', '/api/keys', {
      token: user.token,
      json: { name: 'k' },
    });
    const viaKey = await call<{ id: string; url: string }>(h.api.url, 'POST', '/api/billing/checkout', {
      token: key.body.key,
      json: { packId: 'credits-1000' },
    });
    expect(viaKey.status).toBe(201);
    const page = await fetch(viaKey.body.url);
    expect(page.status).toBe(200);
    const pay = await fetch(`${h.stripe.url}/pay/${viaKey.body.id}/complete`, {
      method: 'POST',
      body: new URLSearchParams({ method: 'card' }),
      redirect: 'manual',
    });
    expect(pay.headers.get('location')).toBe(
      `http://dashboard.test/credits?checkout=success&session_id=${viaKey.body.id}`,
    );
    await eventually(async () => ((await h.balance(user)) === SIGNUP_CREDITS + 1000 ? true : undefined));
  });
}
