/**
 * Typecheck only (`npm run typecheck`): the SDK's request and response types against the types generated from
 * the committed OpenAPI document. A change to the API's schemas that the SDK does not follow (or the reverse)
 * fails to compile here; regenerate with `npm run openapi:write`, then fix libs/sdk/src/types.ts.
 */
import type * as Sdk from '@easel/sdk';
import type { components, operations, paths } from './openapi-types.generated.js';

type Schemas = components['schemas'];
type Json<Op extends keyof operations, Status extends number> =
  operations[Op]['responses'] extends Record<Status, { content: { 'application/json': infer T } }>
    ? T
    : never;
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

/**
 * Same keys, and each side assignable to the other (so every field has the same type and optionality). Only
 * the top level's keys are compared: list items and nested schemas get their own line below.
 */
type Same<A, B> = [keyof A] extends [keyof B]
  ? [keyof B] extends [keyof A]
    ? [A] extends [B]
      ? [B] extends [A]
        ? true
        : false
      : false
    : false
  : false;
type Assert<T extends true> = T;

export type Checks = [
  // Generations
  Assert<Same<Sdk.CreateGenerationRequest, Schemas['CreateGenerationRequest']>>,
  Assert<Same<Sdk.CreatedGeneration, Json<'GenerationsController_create', 202>>>,
  Assert<Same<Sdk.Generation, Json<'GenerationsController_get', 200>>>,
  Assert<Same<Sdk.Generation, Json<'GenerationsController_cancel', 200>>>,
  Assert<Same<Sdk.Page<Sdk.Generation>, Json<'GenerationsController_list', 200>>>,
  Assert<Same<Sdk.Generation, Json<'GenerationsController_list', 200>['data'][number]>>,
  Assert<Same<Sdk.PageQuery, Query<'GenerationsController_list'>>>,
  Assert<Same<Sdk.Artifact, Schemas['Artifact']>>,
  Assert<Same<Sdk.OutpaintMargins, Schemas['OutpaintMargins']>>,
  Assert<Same<Sdk.InterpolationSettings, Schemas['InterpolationSettings']>>,
  Assert<Same<Sdk.Sampler, Schemas['Engine']['defaultSampler']>>,
  Assert<Same<Sdk.GenerationMode, Schemas['Generation']['mode']>>,
  // Account and money
  Assert<Same<Sdk.Balance, Json<'BalanceController_balance', 200>>>,
  Assert<Same<Sdk.Page<Sdk.LedgerEntry>, Json<'BalanceController_ledgerPage', 200>>>,
  Assert<Same<Sdk.LedgerEntry, Json<'BalanceController_ledgerPage', 200>['data'][number]>>,
  Assert<Same<Sdk.PageQuery, Query<'BalanceController_ledgerPage'>>>,
  Assert<Same<Sdk.Me, Json<'UsersController_me', 200>>>,
  Assert<Same<Sdk.PricingQuoteQuery, Query<'PricingController_quote'>>>,
  Assert<Same<Sdk.PricingQuote, Json<'PricingController_quote', 200>>>,
  Assert<Same<Sdk.Engine, Json<'EnginesController_list', 200>['data'][number]>>,
  Assert<Same<Sdk.EngineWorker, Schemas['EngineWorker']>>,
  // Keys and auth
  Assert<Same<Sdk.CreatedApiKey, Json<'KeysController_create', 201>>>,
  Assert<Same<Sdk.ApiKey, Json<'KeysController_list', 200>['data'][number]>>,
  Assert<Same<{ name: string }, Schemas['CreateApiKeyRequest']>>,
  Assert<Same<Sdk.Credentials, Schemas['LoginRequest']>>,
  Assert<Same<Sdk.Credentials, Schemas['SignupRequest']>>,
  Assert<Same<Sdk.SignupResponse, Json<'AuthController_signup', 201>>>,
  Assert<Same<Sdk.LoginResponse, Json<'AuthController_login', 200>>>,
  // Billing
  Assert<Same<Sdk.CreditPackList, Json<'BillingController_packs', 200>>>,
  Assert<Same<Sdk.CreditPack, Json<'BillingController_packs', 200>['data'][number]>>,
  Assert<Same<{ packId: string }, Schemas['CheckoutRequest']>>,
  Assert<Same<Sdk.CheckoutSession, Json<'BillingController_checkout', 201>>>,
  Assert<Same<Sdk.PurchasePage, Json<'BillingController_purchases', 200>>>,
  Assert<Same<Sdk.Purchase, Schemas['Purchase']>>,
  Assert<Same<Sdk.LedgerEntry, Schemas['Purchase']['ledgerEntries'][number]>>,
  Assert<Same<Sdk.PageQuery, Query<'BillingController_purchases'>>>,
  // Errors: the SDK reads `name` as a string so codes added later still parse.
  Assert<Same<Sdk.ErrorBody, Omit<Schemas['Error'], 'name'> & { name: string }>>,
];

/** Every route the SDK calls, with its method: a renamed or removed route fails here. */
export type Routes = [
  paths['/api/generations']['post'],
  paths['/api/generations']['get'],
  paths['/api/generations/{id}']['get'],
  paths['/api/generations/{id}']['delete'],
  paths['/api/generations/{id}/cancel']['post'],
  paths['/api/generations/{id}/events']['get'],
  paths['/api/balance']['get'],
  paths['/api/ledger']['get'],
  paths['/api/me']['get'],
  paths['/api/engines']['get'],
  paths['/api/pricing/quote']['get'],
  paths['/api/keys']['get'],
  paths['/api/keys']['post'],
  paths['/api/keys/{id}']['delete'],
  paths['/api/auth/signup']['post'],
  paths['/api/auth/login']['post'],
  paths['/api/billing/packs']['get'],
  paths['/api/billing/checkout']['post'],
  paths['/api/billing/purchases']['get'],
];
