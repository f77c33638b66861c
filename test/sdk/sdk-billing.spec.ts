/**
 * @easel/sdk's billing and `easel buy` against the API wired to the Stripe test server: packs, a Checkout
 * Session whose first answer is lost (503 after the API made it) retried into the same session, payment, the
 * credits and the purchase record.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Easel } from '@easel/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../support/app.js';
import {
  eventually,
  SIGNUP_CREDITS,
  startBillingHarness,
  type BillingHarness,
} from '../billing/billing-harness.js';
import { startCli } from './cli-process.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

let h: BillingHarness;
let proxy: FaultProxy;
let home: string;

beforeAll(async () => {
  h = await startBillingHarness();
  proxy = await startFaultProxy(h.api.url);
  home = await mkdtemp(path.join(tmpdir(), 'easel-buy-test-'));
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await h?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

async function keyedClient(baseUrl: string): Promise<{ easel: Easel; key: string }> {
  const user = await h.user();
  const { key } = await createKey(h.api.url, user.token);
  return { easel: new Easel({ apiKey: key, baseUrl }), key };
}

describe('@easel/sdk billing', () => {
  it('packs, a checkout retried after a lost answer (one session), payment, credits and the purchase', async () => {
    const { easel } = await keyedClient(proxy.url);
    const packs = await easel.billing.packs();
    expect(packs.enabled).toBe(true);
    expect(packs.data.map((p) => p.id)).toEqual(['credits-1000', 'credits-5000', 'credits-25000']);

    proxy.failNext('POST', /^\/api\/billing\/checkout$/, '503-after-forward');
    const before = proxy.seen.length;
    const session = await easel.billing.checkout('credits-1000');
    const posts = proxy.seen.slice(before).filter((r) => r.method === 'POST');
    expect(posts.map((p) => p.faulted)).toEqual(['503-after-forward', null]);
    expect(posts[1].headers['idempotency-key']).toBe(posts[0].headers['idempotency-key']);
    expect(session.url).toBe(`${h.stripe.url}/pay/${session.id}`);
    const pending = await easel.billing.purchases().toArray();
    expect(pending.map((p) => [p.stripeCheckoutSessionId, p.status])).toEqual([[session.id, 'pending']]);

    h.stripe.pay(session.id);
    await h.stripe.settled();
    await eventually(async () =>
      (await easel.balance()).credits === SIGNUP_CREDITS + 1000 ? true : undefined,
    );
    const page = await easel.billing.purchases().firstPage();
    expect(page.account).toEqual({ flagged: false, shortfallCredits: 0 });
    expect(page.data[0]).toMatchObject({ status: 'paid', creditsGranted: 1000 });
    expect(page.data[0].ledgerEntries.map((e) => e.reference)).toEqual([`stripe:checkout:${session.id}`]);
  });

  it('easel buy lists the packs, and with a pack prints the Checkout URL', async () => {
    const { key } = await keyedClient(h.api.url);
    const env = { HOME: home, EASEL_CONFIG: path.join(home, 'easel.json'), EASEL_BASE_URL: h.api.url };
    const list = await startCli(['buy'], { ...env, EASEL_API_KEY: key }).done;
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^credits-1000\s+1000\s+10\.00 USD\s+1,000 credits$/m);
    const buy = await startCli(['buy', 'credits-5000'], { ...env, EASEL_API_KEY: key }).done;
    expect(buy.code, buy.stderr).toBe(0);
    expect(buy.stdout).toMatch(new RegExp(`^${h.stripe.url}/pay/cs_test_\\w+\\n$`));
    const unknown = await startCli(['buy', 'credits-7'], { ...env, EASEL_API_KEY: key }).done;
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^easel: .+\[\w+\] \(request .+\)$/m);
  });
});
