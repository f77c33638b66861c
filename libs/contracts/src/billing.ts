import { z } from 'zod';

import { LedgerEntry } from './account.js';

/** Pack ids: what POST /api/billing/checkout takes and operators write in BILLING_PACKS. */
export const PACK_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export const CreditPack = z
  .strictObject({
    id: z.string().regex(PACK_ID),
    name: z.string(),
    credits: z.number().int().positive(),
    amount: z.number().int().positive().describe('Price in the currency’s minor unit (cents for usd)'),
    currency: z
      .string()
      .regex(/^[a-z]{3}$/)
      .describe('ISO 4217, lower case'),
  })
  .meta({ id: 'CreditPack' });
export type CreditPack = z.infer<typeof CreditPack>;

export const CreditPackList = z
  .strictObject({
    enabled: z.boolean().describe('False when the operator has not configured Stripe: checkout answers 503'),
    data: z.array(CreditPack),
  })
  .meta({ id: 'CreditPackList' });
export type CreditPackList = z.infer<typeof CreditPackList>;

export const CheckoutRequest = z
  .strictObject({ packId: z.string().min(1).max(40) })
  .meta({ id: 'CheckoutRequest' });
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

export const CheckoutSession = z
  .strictObject({
    id: z.string().describe('Stripe Checkout Session id (cs_…); the dashboard gets it back as session_id'),
    url: z.string().describe('Stripe-hosted payment page: send the browser here'),
  })
  .meta({ id: 'CheckoutSession' });
export type CheckoutSession = z.infer<typeof CheckoutSession>;

export const PURCHASE_STATUSES = [
  'pending',
  'paid',
  'failed',
  'refunded',
  'partially_refunded',
  'disputed',
] as const;
export const PurchaseStatus = z.enum(PURCHASE_STATUSES);
export type PurchaseStatus = z.infer<typeof PurchaseStatus>;

const time = z.iso.datetime().nullable();

export const Purchase = z
  .strictObject({
    id: z.uuid(),
    packId: z.string(),
    credits: z.number().int().describe('Credits the pack grants when paid'),
    amount: z.number().int().describe('Price in minor units'),
    currency: z.string(),
    status: PurchaseStatus,
    failureReason: z.enum(['async_payment_failed', 'expired']).nullable(),
    amountRefunded: z.number().int().describe('Minor units refunded so far'),
    amountDisputed: z.number().int().describe('Minor units under dispute'),
    creditsGranted: z.number().int(),
    creditsReversed: z.number().int().describe('Credits taken back for refunds and disputes'),
    creditsShortfall: z
      .number()
      .int()
      .describe('Credits a refund or dispute should have taken back but that were already spent'),
    stripeCheckoutSessionId: z.string(),
    stripePaymentIntentId: z.string().nullable(),
    stripeChargeId: z.string().nullable(),
    createdAt: z.iso.datetime(),
    paidAt: time,
    failedAt: time,
    refundedAt: time,
    disputedAt: time,
    ledgerEntries: z.array(LedgerEntry).describe('The credit movements this purchase caused, oldest first'),
  })
  .meta({ id: 'Purchase' });
export type Purchase = z.infer<typeof Purchase>;

export const BillingAccountState = z
  .strictObject({
    flagged: z
      .boolean()
      .describe('A refund or dispute took back less than it should have: support will be in touch'),
    shortfallCredits: z.number().int().describe('Sum of creditsShortfall over all purchases'),
  })
  .meta({ id: 'BillingAccountState' });
export type BillingAccountState = z.infer<typeof BillingAccountState>;

export const PurchasePage = z
  .strictObject({
    data: z.array(Purchase),
    nextCursor: z.string().nullable(),
    account: BillingAccountState,
  })
  .meta({ id: 'PurchasePage' });
export type PurchasePage = z.infer<typeof PurchasePage>;

export const PurchasesQuery = z
  .strictObject({
    cursor: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .meta({ id: 'PurchasesQuery' });
export type PurchasesQuery = z.infer<typeof PurchasesQuery>;

/** What the webhook answers Stripe (2xx: never sent again). */
export const StripeWebhookAck = z
  .strictObject({
    received: z.literal(true),
    outcome: z
      .enum(['processed', 'duplicate', 'ignored'])
      .describe('duplicate: this event id was processed before; ignored: not an event or purchase of ours'),
  })
  .meta({ id: 'StripeWebhookAck' });
export type StripeWebhookAck = z.infer<typeof StripeWebhookAck>;
