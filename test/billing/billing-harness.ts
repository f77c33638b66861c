// The real API (real PostgreSQL, Redis, stripe SDK) wired to the Stripe test server, plus what the billing
// tests read back: balances, purchase rows, ledger entries, processed event ids.
import type { Purchase, PurchasePage } from '@easel/contracts';
import { PrismaService } from '../../apps/api/src/database/prisma.service.js';
import { LedgerRepository } from '../../apps/api/src/ledger/ledger.repository.js';
import { LedgerService } from '../../apps/api/src/ledger/ledger.service.js';
import { call, signUp, startTestApp, type SignedUp, type TestApp } from '../support/app.js';
import { createTestPrisma, deleteTestUsers } from '../support/database.js';
import { startStripeTestServer, type StripeTestServer } from '../support/stripe-server/index.js';

export const SIGNUP_CREDITS = 200;

export interface BillingHarness {
  api: TestApp;
  stripe: StripeTestServer;
  prisma: PrismaService;
  ledger: LedgerService;
  user(): Promise<SignedUp>;
  /** POST /api/billing/checkout; throws unless 201. */
  checkout(
    user: SignedUp,
    packId?: string,
    headers?: Record<string, string>,
  ): Promise<{ id: string; url: string }>;
  balance(user: SignedUp): Promise<number>;
  purchases(user: SignedUp): Promise<PurchasePage>;
  purchase(user: SignedUp, sessionId: string): Promise<Purchase>;
  /** Ledger entries of a user: amount, kind, reference, oldest first. */
  entries(userId: string): Promise<{ amount: number; kind: string; reference: string }[]>;
  eventRows(eventId: string): Promise<{ id: string; outcome: string }[]>;
  close(): Promise<void>;
}

export async function startBillingHarness(env: Record<string, string> = {}): Promise<BillingHarness> {
  const stripe = await startStripeTestServer({ autoDeliver: true });
  // Every case signs a user up: more than the per-IP sign-up limit allows in a minute.
  const api = await startTestApp({
    ...stripe.env,
    PUBLIC_URL: 'http://dashboard.test',
    RATE_LIMIT_AUTH_IP_MAX: '1000',
    ...env,
  });
  stripe.setWebhookUrl(`${api.url}/api/billing/stripe/webhook`);
  const prisma: PrismaService = createTestPrisma(4);
  await prisma.$connect();
  const ledger = new LedgerService(prisma, new LedgerRepository(prisma));
  const users: string[] = [];

  const h: BillingHarness = {
    api,
    stripe,
    prisma,
    ledger,
    user: async () => {
      const user = await signUp(api.url);
      users.push(user.id);
      return user;
    },
    checkout: async (user, packId = 'credits-1000', headers = {}) => {
      const reply = await call<{ id: string; url: string }>(api.url, 'POST', '/api/billing/checkout', {
        token: user.token,
        json: { packId },
        headers,
      });
      if (reply.status !== 201) throw new Error(`checkout: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body;
    },
    balance: async (user) =>
      (await call<{ credits: number }>(api.url, 'GET', '/api/balance', { token: user.token })).body.credits,
    purchases: async (user) => {
      const reply = await call<PurchasePage>(api.url, 'GET', '/api/billing/purchases?limit=100', {
        token: user.token,
      });
      if (reply.status !== 200) throw new Error(`purchases: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body;
    },
    purchase: async (user, sessionId) => {
      const found = (await h.purchases(user)).data.find((p) => p.stripeCheckoutSessionId === sessionId);
      if (!found) throw new Error(`no purchase for ${sessionId}`);
      return found;
    },
    entries: (userId) =>
      prisma.$queryRaw`SELECT amount, kind::text AS kind, reference FROM ledger_entries
        WHERE user_id = ${userId}::uuid ORDER BY created_at, id`,
    eventRows: (eventId) => prisma.$queryRaw`SELECT id, outcome FROM stripe_events WHERE id = ${eventId}`,
    close: async () => {
      await stripe.close();
      await api.close();
      await deleteTestUsers(prisma, users);
      await prisma.$disconnect();
    },
  };
  return h;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
