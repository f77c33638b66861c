// Billing settings from the environment: Stripe keys (both or neither) and the credit packs on sale.
import { readFileSync } from 'node:fs';
import { CreditPack } from '@easel/contracts';
import { z } from 'zod';
import type { Env } from './config.schema.js';

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** STRIPE_API_BASE split for the SDK's host/port/protocol options; null: api.stripe.com. */
  api: { protocol: 'http' | 'https'; host: string; port: number } | null;
}

export interface BillingConfig {
  /** Null when STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are not set: checkout and webhook answer 503. */
  stripe: StripeSettings | null;
  packs: CreditPack[];
  /** Without a trailing slash; Checkout's success and cancel URLs start with it. */
  publicUrl: string;
}

/** DreamStudio's price for 1,000 credits, with volume discounts above it. */
export const DEFAULT_CREDIT_PACKS: CreditPack[] = [
  { id: 'credits-1000', name: '1,000 credits', credits: 1_000, amount: 1_000, currency: 'usd' },
  { id: 'credits-5000', name: '5,000 credits', credits: 5_000, amount: 4_500, currency: 'usd' },
  { id: 'credits-25000', name: '25,000 credits', credits: 25_000, amount: 20_000, currency: 'usd' },
];

// Bounds keep credits × amount far inside exact integer arithmetic and amounts inside Stripe's 8 digits.
const PackInput = z.strictObject({
  id: CreditPack.shape.id,
  name: z.string().trim().min(1).max(100).optional(),
  credits: z.number().int().min(1).max(10_000_000),
  amount: z.number().int().min(1).max(99_999_999),
  currency: z
    .string()
    .regex(/^[a-zA-Z]{3}$/)
    .transform((c) => c.toLowerCase())
    .default('usd'),
});
const PacksInput = z
  .array(PackInput)
  .min(1)
  .max(50)
  .refine((packs) => new Set(packs.map((p) => p.id)).size === packs.length, {
    message: 'pack ids must be unique',
  });

/** Throws an Error whose message starts with the variable at fault (loadConfig wraps it in a ConfigError). */
export function billingConfigFromEnv(e: Env): BillingConfig {
  if (Boolean(e.STRIPE_SECRET_KEY) !== Boolean(e.STRIPE_WEBHOOK_SECRET)) {
    const missing = e.STRIPE_SECRET_KEY ? 'STRIPE_WEBHOOK_SECRET' : 'STRIPE_SECRET_KEY';
    const other = e.STRIPE_SECRET_KEY ? 'STRIPE_SECRET_KEY' : 'STRIPE_WEBHOOK_SECRET';
    throw new Error(`${missing}: required when ${other} is set (billing needs both)`);
  }
  const stripe =
    e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
      ? {
          secretKey: e.STRIPE_SECRET_KEY,
          webhookSecret: e.STRIPE_WEBHOOK_SECRET,
          api: e.STRIPE_API_BASE ? apiBase(e.STRIPE_API_BASE) : null,
        }
      : null;
  return { stripe, packs: packsFromEnv(e), publicUrl: e.PUBLIC_URL.replace(/\/+$/, '') };
}

function apiBase(base: string): NonNullable<StripeSettings['api']> {
  const url = new URL(base);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  if (url.pathname !== '/' || url.search) throw new Error('STRIPE_API_BASE: give scheme, host and port only');
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { protocol, host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

function packsFromEnv(e: Env): CreditPack[] {
  if (e.BILLING_PACKS && e.BILLING_PACKS_FILE) {
    throw new Error('BILLING_PACKS_FILE: set BILLING_PACKS or BILLING_PACKS_FILE, not both');
  }
  const variable = e.BILLING_PACKS ? 'BILLING_PACKS' : 'BILLING_PACKS_FILE';
  let text: string;
  if (e.BILLING_PACKS) text = e.BILLING_PACKS;
  else if (e.BILLING_PACKS_FILE) {
    try {
      text = readFileSync(e.BILLING_PACKS_FILE, 'utf8');
    } catch (error) {
      throw new Error(
        `BILLING_PACKS_FILE: cannot read ${e.BILLING_PACKS_FILE}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  } else return DEFAULT_CREDIT_PACKS;

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${variable}: not valid JSON`);
  }
  const parsed = PacksInput.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length ? ` at [${issue.path.join('].[')}]` : '';
    throw new Error(
      `${variable}: ${issue.message}${at} (expected [{"id","credits","amount","currency"?,"name"?}])`,
    );
  }
  return parsed.data.map((p) => ({
    id: p.id,
    name: p.name ?? `${p.credits.toLocaleString('en-US')} credits`,
    credits: p.credits,
    amount: p.amount,
    currency: p.currency,
  }));
}
