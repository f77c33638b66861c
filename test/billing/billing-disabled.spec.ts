// Without STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET: billing answers 503 billing_not_configured, the rest runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectErrorShape, signUp, startTestApp, type SignedUp, type TestApp } from '../support/app.js';
import { createTestPrisma, deleteTestUsers } from '../support/database.js';

let api: TestApp;
let user: SignedUp;

beforeAll(async () => {
  api = await startTestApp();
  user = await signUp(api.url);
});
afterAll(async () => {
  await api?.close();
  const prisma = createTestPrisma(1);
  await deleteTestUsers(prisma, user ? [user.id] : []);
  await prisma.$disconnect();
});

describe('billing not configured', () => {
  it('lists the packs and says billing is off', async () => {
    const reply = await call<{ enabled: boolean; data: unknown[] }>(api.url, 'GET', '/api/billing/packs');
    expect(reply.status).toBe(200);
    expect(reply.body.enabled).toBe(false);
    expect(reply.body.data).toHaveLength(3);
  });

  it('answers checkout and the webhook with 503 billing_not_configured', async () => {
    const checkout = await call(api.url, 'POST', '/api/billing/checkout', {
      token: user.token,
      json: { packId: 'credits-1000' },
    });
    expectErrorShape(checkout, 503, 'billing_not_configured');
    const webhook = await call(api.url, 'POST', '/api/billing/stripe/webhook', {
      json: { id: 'evt_1', type: 'checkout.session.completed' },
      headers: { 'stripe-signature': 't=1,v1=00' },
    });
    expectErrorShape(webhook, 503, 'billing_not_configured');
  });

  it('still shows the (empty) purchase history, and everything else runs', async () => {
    const purchases = await call(api.url, 'GET', '/api/billing/purchases', { token: user.token });
    expect(purchases.status).toBe(200);
    expect(purchases.body).toEqual({
      data: [],
      nextCursor: null,
      account: { flagged: false, shortfallCredits: 0 },
    });
    const balance = await call(api.url, 'GET', '/api/balance', { token: user.token });
    expect(balance.body).toEqual({ credits: 200 });
  });
});
