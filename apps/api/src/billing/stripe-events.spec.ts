import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { STRIPE_API_VERSION } from './stripe-client.provider.js';
import { effectOf, seedOf } from './stripe-events.js';

const USER = '6f1c2a1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';

const event = (type: string, object: Record<string, unknown>) =>
  ({ id: 'evt_1', object: 'event', type, created: 1, data: { object } }) as unknown as Stripe.Event;

const session = (over: Record<string, unknown> = {}) => ({
  id: 'cs_test_1',
  object: 'checkout.session',
  mode: 'payment',
  amount_total: 1000,
  currency: 'usd',
  customer: 'cus_1',
  payment_intent: 'pi_1',
  payment_status: 'paid',
  metadata: {
    easel_user_id: USER,
    easel_pack_id: 'credits-1000',
    easel_credits: '1000',
  },
  ...over,
});

describe('Stripe API version', () => {
  it('is the one the installed stripe SDK pins (upgrade both together, after reading its changelog)', () => {
    expect(STRIPE_API_VERSION).toBe(Stripe.API_VERSION);
  });
});

describe('effectOf', () => {
  it('credits a completed session only when payment_status is paid', () => {
    const paid = effectOf(event('checkout.session.completed', session()));
    expect(paid?.facts.paid).toEqual({ amount: 1000, currency: 'usd' });
    expect(paid?.key).toMatchObject({
      kind: 'session',
      sessionId: 'cs_test_1',
      seed: { userId: USER, packId: 'credits-1000', credits: 1000 },
    });
    const unpaid = effectOf(event('checkout.session.completed', session({ payment_status: 'unpaid' })));
    expect(unpaid?.facts.paid).toBeUndefined();
    const free = effectOf(
      event('checkout.session.completed', session({ payment_status: 'no_payment_required' })),
    );
    expect(free?.facts.paid).toBeUndefined();
  });

  it('reads failures, refunds (cumulative) and disputes; ignores other types and modes', () => {
    expect(
      effectOf(event('checkout.session.async_payment_failed', session({ payment_status: 'unpaid' })))?.facts
        .failed,
    ).toBe('async_payment_failed');
    expect(
      effectOf(event('checkout.session.expired', session({ payment_status: 'unpaid', payment_intent: null })))
        ?.facts,
    ).toEqual({
      customerId: 'cus_1',
      failed: 'expired',
    });
    expect(
      effectOf(event('charge.refunded', { id: 'ch_1', payment_intent: 'pi_1', amount_refunded: 300 })),
    ).toEqual({
      key: { kind: 'payment_intent', paymentIntentId: 'pi_1' },
      facts: { paymentIntentId: 'pi_1', chargeId: 'ch_1', amountRefunded: 300 },
    });
    expect(
      effectOf(
        event('charge.dispute.created', {
          id: 'dp_1',
          charge: 'ch_1',
          payment_intent: { id: 'pi_1' },
          amount: 700,
        }),
      )?.facts,
    ).toEqual({
      paymentIntentId: 'pi_1',
      chargeId: 'ch_1',
      dispute: { id: 'dp_1', amount: 700 },
    });
    expect(
      effectOf(event('charge.refunded', { id: 'ch_2', payment_intent: null, amount_refunded: 1 })),
    ).toBeNull();
    expect(effectOf(event('customer.created', { id: 'cus_1' }))).toBeNull();
    expect(effectOf(event('checkout.session.completed', session({ mode: 'subscription' })))).toBeNull();
  });

  it('takes no purchase from sessions without complete, well-formed Easel metadata', () => {
    const s = (metadata: Record<string, string>) =>
      session({ metadata }) as unknown as Stripe.Checkout.Session;
    expect(seedOf(s({}))).toBeNull();
    expect(seedOf(s({ ...session().metadata, easel_credits: '-5' }))).toBeNull();
    expect(seedOf(s({ ...session().metadata, easel_credits: '1.5' }))).toBeNull();
    expect(seedOf(s({ ...session().metadata, easel_user_id: 'admin' }))).toBeNull();
  });
});
