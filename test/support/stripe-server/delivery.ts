// Webhook deliveries as Stripe makes them — the payload pretty-printed and signed with the SDK's own
// generateTestHeaderString — and the bad ones a webhook endpoint must refuse.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import Stripe from 'stripe';
import { stripeId, type TestEvent } from './store.js';

/**
 * - valid: signed now with the endpoint's secret
 * - missing: no Stripe-Signature header
 * - forged: signed with another secret
 * - stale: correctly signed, 10 minutes ago (the SDK's tolerance is 5)
 * - tampered: correctly signed, then amounts in the body changed
 * - malformed: a Stripe-Signature header that is not one
 */
export type SignatureMode = 'valid' | 'missing' | 'forged' | 'stale' | 'tampered' | 'malformed';

export interface DeliverOptions {
  signature?: SignatureMode;
  /** Identical requests sent at once (Stripe does deliver duplicates, also concurrently). Default 1. */
  copies?: number;
  /** Wait this long before sending. */
  delayMs?: number;
  /** Give up waiting for the answer after this long (the endpoint may still process it). */
  timeoutMs?: number;
}

export interface DeliveryResult {
  eventId: string;
  type: string;
  signature: SignatureMode;
  /** Null when no answer came (connection error or timeout). */
  status: number | null;
  body: unknown;
  ms: number;
}

const payloads = new WeakMap<TestEvent, string>();

/** The exact bytes Stripe sends for an event (pretty-printed JSON, the same for every retry). */
export function payloadOf(event: TestEvent): string {
  let payload = payloads.get(event);
  if (payload === undefined) {
    payload = JSON.stringify(event, null, 2);
    payloads.set(event, payload);
  }
  return payload;
}

function signedRequest(
  event: TestEvent,
  secret: string,
  mode: SignatureMode,
): { body: string; header?: string } {
  const payload = payloadOf(event);
  const sign = (body: string, opts: { secret?: string; timestamp?: number } = {}) =>
    Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret: opts.secret ?? secret,
      timestamp: opts.timestamp ?? Math.floor(Date.now() / 1000),
    });
  switch (mode) {
    case 'valid':
      return { body: payload, header: sign(payload) };
    case 'missing':
      return { body: payload };
    case 'forged':
      return { body: payload, header: sign(payload, { secret: `whsec_${stripeId('forged')}` }) };
    case 'stale':
      return { body: payload, header: sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 600 }) };
    case 'tampered':
      return { body: tamper(payload), header: sign(payload) };
    case 'malformed':
      return { body: payload, header: 'v1=not-a-signature' };
  }
}

/** Every amount ×100 and every credit count ×100: what an attacker replaying a real event would want. */
function tamper(payload: string): string {
  const changed = payload.replace(
    /"(amount|amount_total|amount_refunded|easel_credits)": ("?)(\d+)\2/g,
    (_m, key: string, quote: string, digits: string) => `"${key}": ${quote}${digits}00${quote}`,
  );
  return changed === payload ? payload.replace('"livemode": false', '"livemode": true') : changed;
}

/** POSTs the event to `url` `copies` times at once and returns every answer. Never throws. */
export async function deliverEvent(
  url: string,
  event: TestEvent,
  secret: string,
  opts: DeliverOptions = {},
): Promise<DeliveryResult[]> {
  if (opts.delayMs) await sleep(opts.delayMs);
  const mode = opts.signature ?? 'valid';
  const request = signedRequest(event, secret, mode);
  const one = async (): Promise<DeliveryResult> => {
    const started = performance.now();
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    };
    if (request.header !== undefined) headers['stripe-signature'] = request.header;
    const result = { eventId: event.id, type: event.type, signature: mode };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: request.body,
        signal: opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined,
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { ...result, status: response.status, body, ms: performance.now() - started };
    } catch (error) {
      return { ...result, status: null, body: (error as Error).message, ms: performance.now() - started };
    }
  };
  return Promise.all(Array.from({ length: opts.copies ?? 1 }, one));
}
