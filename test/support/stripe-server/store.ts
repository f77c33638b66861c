// The Stripe test server's state: customers, Checkout Sessions, PaymentIntents, charges, refunds, disputes
// and the events their changes emit, shaped like Stripe's objects (only the fields Easel and the SDK read,
// plus the usual ones around them). In memory; no HTTP here.
import Stripe from 'stripe';
import { type StripeObject, StripeTestError, stripeId, type TestEvent } from './objects.js';

export type { StripeObject, TestEvent } from './objects.js';
export { StripeTestError, stripeId } from './objects.js';

const now = (): number => Math.floor(Date.now() / 1000);
const clone = <T>(value: T): T => structuredClone(value);

export class StripeStore {
  readonly customers = new Map<string, StripeObject>();
  readonly sessions = new Map<string, StripeObject>();
  readonly paymentIntents = new Map<string, StripeObject>();
  readonly charges = new Map<string, StripeObject>();
  readonly refunds = new Map<string, StripeObject>();
  readonly disputes = new Map<string, StripeObject>();
  readonly events: TestEvent[] = [];
  /** payment_intent_data.metadata per session, given to the PaymentIntent made when it is paid. */
  private readonly intentMetadata = new Map<string, Record<string, string>>();
  /** Called with every new event (the server delivers it when auto-delivery is on). */
  onEvent: (event: TestEvent) => void = () => undefined;

  constructor(private readonly pageBaseUrl: () => string) {}

  get(map: Map<string, StripeObject>, id: string, what: string): StripeObject {
    const found = map.get(id);
    if (!found) {
      throw new StripeTestError(404, 'invalid_request_error', `No such ${what}: '${id}'`, {
        code: 'resource_missing',
        param: 'id',
      });
    }
    return found;
  }

  createCustomer(params: { email?: string; name?: string; metadata?: Record<string, string> }): StripeObject {
    const customer: StripeObject = {
      id: stripeId('cus', 14),
      object: 'customer',
      created: now(),
      email: params.email ?? null,
      name: params.name ?? null,
      metadata: params.metadata ?? {},
      livemode: false,
    };
    this.customers.set(customer.id, customer);
    return customer;
  }

  createSession(params: {
    customer?: string;
    client_reference_id?: string;
    metadata?: Record<string, string>;
    payment_intent_metadata?: Record<string, string>;
    amount: number;
    currency: string;
    success_url: string;
    cancel_url: string | null;
  }): StripeObject {
    if (params.customer) this.get(this.customers, params.customer, 'customer');
    const id = stripeId('cs_test', 58);
    const session: StripeObject = {
      id,
      object: 'checkout.session',
      amount_subtotal: params.amount,
      amount_total: params.amount,
      cancel_url: params.cancel_url,
      client_reference_id: params.client_reference_id ?? null,
      created: now(),
      currency: params.currency,
      customer: params.customer ?? null,
      expires_at: now() + 24 * 3600,
      livemode: false,
      metadata: params.metadata ?? {},
      mode: 'payment',
      payment_intent: null,
      payment_status: 'unpaid',
      status: 'open',
      success_url: params.success_url,
      ui_mode: 'hosted_page',
      url: `${this.pageBaseUrl()}/pay/${id}`,
    };
    this.sessions.set(id, session);
    this.intentMetadata.set(id, params.payment_intent_metadata ?? {});
    return session;
  }

  /** The customer pays: card (paid at once) or a delayed method (`async`: paid or failed later). */
  pay(sessionId: string, opts: { async?: boolean } = {}): TestEvent {
    const session = this.get(this.sessions, sessionId, 'checkout.session');
    if (session.status !== 'open') {
      throw new StripeTestError(
        400,
        'invalid_request_error',
        `Checkout Session ${sessionId} is ${String(session.status)}`,
      );
    }
    const intent: StripeObject = {
      id: stripeId('pi'),
      object: 'payment_intent',
      amount: session.amount_total,
      currency: session.currency,
      customer: session.customer,
      created: now(),
      latest_charge: null,
      metadata: this.intentMetadata.get(sessionId) ?? {},
      status: 'processing',
      livemode: false,
    };
    this.paymentIntents.set(intent.id, intent);
    session.payment_intent = intent.id;
    session.status = 'complete';
    if (!opts.async) this.charge(session, intent);
    return this.emit('checkout.session.completed', session);
  }

  succeedAsyncPayment(sessionId: string): TestEvent {
    const session = this.completedAsync(sessionId);
    this.charge(session, this.get(this.paymentIntents, String(session.payment_intent), 'payment_intent'));
    return this.emit('checkout.session.async_payment_succeeded', session);
  }

  failAsyncPayment(sessionId: string): TestEvent {
    const session = this.completedAsync(sessionId);
    this.get(this.paymentIntents, String(session.payment_intent), 'payment_intent').status =
      'requires_payment_method';
    return this.emit('checkout.session.async_payment_failed', session);
  }

  expire(sessionId: string): TestEvent {
    const session = this.get(this.sessions, sessionId, 'checkout.session');
    if (session.status !== 'open') {
      throw new StripeTestError(
        400,
        'invalid_request_error',
        `Only open sessions can be expired (${sessionId} is ${String(session.status)})`,
      );
    }
    session.status = 'expired';
    return this.emit('checkout.session.expired', session);
  }

  /** A refund of `amount` (default: what is left) of the session's or PaymentIntent's charge. */
  refund(
    target: { sessionId?: string; paymentIntentId?: string; chargeId?: string },
    amount?: number,
  ): {
    refund: StripeObject;
    event: TestEvent;
  } {
    const charge = this.chargeOf(target);
    const left = Number(charge.amount) - Number(charge.amount_refunded);
    const value = amount ?? left;
    if (!Number.isInteger(value) || value <= 0 || value > left) {
      throw new StripeTestError(
        400,
        'invalid_request_error',
        `Refund amount (${value}) is greater than unrefunded amount on charge (${left})`,
        {
          param: 'amount',
        },
      );
    }
    const refund: StripeObject = {
      id: stripeId('re'),
      object: 'refund',
      amount: value,
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      metadata: {},
      payment_intent: charge.payment_intent,
      status: 'succeeded',
    };
    this.refunds.set(refund.id, refund);
    charge.amount_refunded = Number(charge.amount_refunded) + value;
    charge.refunded = charge.amount_refunded === charge.amount;
    return { refund, event: this.emit('charge.refunded', charge) };
  }

  /** The cardholder disputes `amount` (default: what was not refunded) of the charge. */
  dispute(
    target: { sessionId?: string; paymentIntentId?: string; chargeId?: string },
    amount?: number,
  ): TestEvent {
    const charge = this.chargeOf(target);
    const dispute: StripeObject = {
      id: stripeId('dp'),
      object: 'dispute',
      amount: amount ?? Number(charge.amount) - Number(charge.amount_refunded),
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      livemode: false,
      metadata: {},
      payment_intent: charge.payment_intent,
      reason: 'fraudulent',
      status: 'needs_response',
    };
    this.disputes.set(dispute.id, dispute);
    charge.disputed = true;
    return this.emit('charge.dispute.created', dispute);
  }

  /** A new event holding a snapshot of `object` (later changes do not alter it, as with Stripe). */
  emit(type: string, object: StripeObject): TestEvent {
    const event: TestEvent = {
      id: stripeId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: now(),
      data: { object: clone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    this.events.push(event);
    this.onEvent(event);
    return event;
  }

  private completedAsync(sessionId: string): StripeObject {
    const session = this.get(this.sessions, sessionId, 'checkout.session');
    if (session.status !== 'complete' || session.payment_status !== 'unpaid') {
      throw new StripeTestError(
        400,
        'invalid_request_error',
        `Checkout Session ${sessionId} has no pending async payment`,
      );
    }
    return session;
  }

  private charge(session: StripeObject, intent: StripeObject): void {
    const charge: StripeObject = {
      id: stripeId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      captured: true,
      created: now(),
      currency: intent.currency,
      customer: intent.customer,
      disputed: false,
      livemode: false,
      metadata: {},
      paid: true,
      payment_intent: intent.id,
      refunded: false,
      status: 'succeeded',
    };
    this.charges.set(charge.id, charge);
    intent.latest_charge = charge.id;
    intent.status = 'succeeded';
    session.payment_status = 'paid';
  }

  private chargeOf(target: {
    sessionId?: string;
    paymentIntentId?: string;
    chargeId?: string;
  }): StripeObject {
    if (target.chargeId) return this.get(this.charges, target.chargeId, 'charge');
    const intentId =
      target.paymentIntentId ??
      this.get(this.sessions, target.sessionId ?? '', 'checkout.session').payment_intent;
    const intent = this.get(this.paymentIntents, String(intentId), 'payment_intent');
    if (!intent.latest_charge) {
      throw new StripeTestError(
        400,
        'invalid_request_error',
        `PaymentIntent ${intent.id} has no successful charge`,
      );
    }
    return this.get(this.charges, intent.latest_charge as string, 'charge');
  }
}
