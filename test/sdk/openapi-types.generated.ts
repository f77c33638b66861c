// Generated from apps/api/openapi.json by `npm run openapi:write` (openapi-typescript); do not edit.

export interface paths {
  '/api/auth/signup': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create an account (200 free credits) and log in */
    post: operations['AuthController_signup'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Exchange email and password for a short-lived access token */
    post: operations['AuthController_login'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List active API keys (no secrets) */
    get: operations['KeysController_list'];
    put?: never;
    /** Create an API key; the secret is in this response only */
    post: operations['KeysController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/keys/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Revoke an API key: it answers 401 from now on */
    delete: operations['KeysController_revoke'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The calling user and their credits */
    get: operations['UsersController_me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/user/account': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Stability v1: the account of the calling key */
    get: operations['UsersController_v1Account'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/balance': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Credits left */
    get: operations['BalanceController_balance'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/user/balance': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Stability v1: credits left */
    get: operations['BalanceController_v1Balance'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/ledger': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Credit movements, newest first; pass nextCursor back as cursor for older ones */
    get: operations['BalanceController_ledgerPage'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/pricing/quote': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Credits a generation of this size, step count and sample (or interpolation frame) count costs: exactly what it is charged (public) */
    get: operations['PricingController_quote'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/live': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The process is up */
    get: operations['HealthController_live'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** PostgreSQL and Redis answer; 503 otherwise */
    get: operations['HealthController_ready'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/generations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Your generations, newest first; pass nextCursor back as cursor for older ones */
    get: operations['GenerationsController_list'];
    put?: never;
    /** Start a generation: paid now, run by a worker; poll, stream events or pass Prefer: wait=N */
    post: operations['GenerationsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/generations/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Status, progress, error, timings and signed artifact URLs */
    get: operations['GenerationsController_get'];
    put?: never;
    post?: never;
    /** Delete the images from storage (the ledger entries stay) */
    delete: operations['GenerationsController_remove'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/generations/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel: queued → refunded now; running → stopped between steps, then refunded */
    post: operations['GenerationsController_cancel'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/generations/{id}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Server-Sent Events: queued, started, progress, succeeded / failed / canceled */
    get: operations['GenerationsController_stream'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/engines/list': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Stability v1: engines a live worker serves */
    get: operations['StabilityController_listEngines'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/generation/{engine_id}/text-to-image': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Stability v1: text-to-image (waits for the result) */
    post: operations['StabilityController_textToImage'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/generation/{engine_id}/image-to-image': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Stability v1: image-to-image, multipart with init_image (waits for the result) */
    post: operations['StabilityController_imageToImage'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/generation/{engine_id}/image-to-image/masking': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Stability v1: inpainting, multipart with init_image, mask_source, mask_image */
    post: operations['StabilityController_masking'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/billing/packs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Credit packs on sale, and whether billing is enabled on this server (no auth) */
    get: operations['BillingController_packs'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/billing/checkout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start buying a pack: a Stripe Checkout Session; send the browser to its url
     * @description Credits arrive when Stripe confirms the payment (webhook), not when this returns. Stripe sends the browser back to PUBLIC_URL/credits?checkout=success&session_id=… or ?checkout=cancel.
     */
    post: operations['BillingController_checkout'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/billing/purchases': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Purchases, newest first, with the ledger entries each caused and the account’s shortfall flag */
    get: operations['BillingController_purchases'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/billing/stripe/webhook': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Stripe webhook endpoint (called by Stripe, not by clients)
     * @description Verifies Stripe-Signature over the raw body (300 s tolerance) and applies checkout.session.completed, .async_payment_succeeded, .async_payment_failed, .expired, charge.refunded and charge.dispute.created exactly once per event id and purchase. Unsigned, forged or stale deliveries: 400 and nothing changes.
     */
    post: operations['StripeWebhookController_receive'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/session': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who is signed in, and the CSRF token for state-changing requests */
    get: operations['SessionController_current'];
    put?: never;
    /** Sign in to the dashboard: sets the httpOnly session cookie */
    post: operations['SessionController_signIn'];
    /** Sign out: ends the session and clears the cookie */
    delete: operations['SessionController_signOut'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/session/signup': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create an account (200 free credits) and sign in to the dashboard */
    post: operations['SessionController_signUp'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/engines': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Engines some worker serves now: sizes, modes, samplers, defaults */
    get: operations['EnginesController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ApiKey: {
      /** Format: uuid */
      id: string;
      name: string;
      prefix: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      lastUsedAt: string | null;
    };
    ApiKeyList: {
      data: components['schemas']['ApiKey'][];
    };
    Artifact: {
      index: number;
      seed: number;
      width: number;
      height: number;
      /** @enum {string} */
      finishReason: 'SUCCESS' | 'ERROR' | 'CONTENT_FILTERED';
      contentType: string;
      /** @description Signed, expiring download URL */
      url: string;
    };
    Balance: {
      credits: number;
    };
    BillingAccountState: {
      /** @description A refund or dispute took back less than it should have: support will be in touch */
      flagged: boolean;
      /** @description Sum of creditsShortfall over all purchases */
      shortfallCredits: number;
    };
    CheckoutRequest: {
      packId: string;
    };
    CheckoutSession: {
      /** @description Stripe Checkout Session id (cs_…); the dashboard gets it back as session_id */
      id: string;
      /** @description Stripe-hosted payment page: send the browser here */
      url: string;
    };
    CreateApiKeyRequest: {
      name: string;
    };
    CreatedApiKey: {
      /** Format: uuid */
      id: string;
      name: string;
      prefix: string;
      /** @description The secret; shown only in this response */
      key: string;
      /** Format: date-time */
      createdAt: string;
    };
    CreatedGeneration: {
      /** Format: uuid */
      id: string;
      /** @enum {string} */
      status: 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
      cost: number;
      /** Format: date-time */
      createdAt: string;
    };
    CreateGenerationRequest: {
      engine: string;
      /**
       * @default text-to-image
       * @enum {string}
       */
      mode?: 'text-to-image' | 'image-to-image' | 'inpaint' | 'outpaint' | 'interpolate';
      prompt: string;
      negativePrompt?: string;
      /** @description Default: the engine's native width */
      width?: number;
      /** @description Default: the engine's native height */
      height?: number;
      steps?: number;
      cfgScale?: number;
      /** @enum {string} */
      sampler?:
        | 'ddim'
        | 'pndm'
        | 'euler'
        | 'euler_a'
        | 'lms'
        | 'dpmpp_2m'
        | 'dpmpp_2m_karras'
        | 'heun'
        | 'dpm2'
        | 'dpm2_a'
        | 'dpmpp_2s_a'
        | 'ddpm';
      /** @description 0 or absent: random */
      seed?: number;
      /** @default 1 */
      samples?: number;
      /**
       * Format: base64
       * @description Image bytes (PNG, JPEG, WebP), base64
       */
      initImage?: string;
      strength?: number;
      /**
       * Format: base64
       * @description Image bytes (PNG, JPEG, WebP), base64
       */
      mask?: string;
      /** @enum {string} */
      maskSource?: 'MASK_IMAGE_WHITE' | 'MASK_IMAGE_BLACK' | 'INIT_IMAGE_ALPHA';
      outpaint?: components['schemas']['OutpaintMargins'];
      interpolation?: components['schemas']['InterpolationSettings'];
      /**
       * Format: uri
       * @description POSTed the finished generation, signed with Easel-Signature; a public http(s) address (loopback, private and reserved ranges are refused)
       */
      webhookUrl?: string;
      /** @description Send small preview images with the progress events */
      preview?: boolean;
    };
    CreditPack: {
      id: string;
      name: string;
      credits: number;
      /** @description Price in the currency’s minor unit (cents for usd) */
      amount: number;
      /** @description ISO 4217, lower case */
      currency: string;
    };
    CreditPackList: {
      /** @description False when the operator has not configured Stripe: checkout answers 503 */
      enabled: boolean;
      data: components['schemas']['CreditPack'][];
    };
    Engine: {
      id: string;
      name: string;
      description: string;
      /** @enum {string} */
      type: 'PICTURE';
      nativeWidth: number;
      nativeHeight: number;
      sizeMultiple: number;
      minSize: number;
      maxSize: number;
      maxPixels: number;
      modes: ('text-to-image' | 'image-to-image' | 'inpaint' | 'outpaint' | 'interpolate')[];
      samplers: (
        | 'ddim'
        | 'pndm'
        | 'euler'
        | 'euler_a'
        | 'lms'
        | 'dpmpp_2m'
        | 'dpmpp_2m_karras'
        | 'heun'
        | 'dpm2'
        | 'dpm2_a'
        | 'dpmpp_2s_a'
        | 'ddpm'
      )[];
      /** @enum {string} */
      defaultSampler:
        | 'ddim'
        | 'pndm'
        | 'euler'
        | 'euler_a'
        | 'lms'
        | 'dpmpp_2m'
        | 'dpmpp_2m_karras'
        | 'heun'
        | 'dpm2'
        | 'dpm2_a'
        | 'dpmpp_2s_a'
        | 'ddpm';
      defaultSteps: number;
      defaultCfgScale: number;
      workers?: components['schemas']['EngineWorker'][];
    };
    EngineList: {
      data: components['schemas']['Engine'][];
    };
    EngineWorker: {
      executionProviders: string[];
    };
    Error: {
      /** @description Request id, also sent as the X-Request-Id header */
      id: string;
      /**
       * @description Stable machine code
       * @enum {string}
       */
      name:
        | 'invalid_request'
        | 'bad_request'
        | 'invalid_samples'
        | 'invalid_height_or_width'
        | 'invalid_file_size'
        | 'invalid_mime_type'
        | 'invalid_image_dimensions'
        | 'invalid_mask_image'
        | 'invalid_prompts'
        | 'invalid_pixel_count'
        | 'invalid_signature'
        | 'unauthorized'
        | 'insufficient_credits'
        | 'permission_denied'
        | 'csrf_failed'
        | 'not_found'
        | 'email_taken'
        | 'idempotency_conflict'
        | 'payload_too_large'
        | 'unsupported_media_type'
        | 'rate_limited'
        | 'server_error'
        | 'service_unavailable'
        | 'billing_not_configured';
      /** @description What went wrong, for a person */
      message: string;
    };
    Generation: {
      /** Format: uuid */
      id: string;
      /** @enum {string} */
      status: 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
      engine: string;
      /** @enum {string} */
      mode: 'text-to-image' | 'image-to-image' | 'inpaint' | 'outpaint' | 'interpolate';
      cost: number;
      progress: {
        step: number;
        total: number;
      } | null;
      error: {
        name: string;
        message: string;
      } | null;
      params: {
        [key: string]: unknown;
      };
      artifacts: components['schemas']['Artifact'][];
      animation: components['schemas']['Artifact'] | null;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      startedAt: string | null;
      /** Format: date-time */
      finishedAt: string | null;
      /**
       * Format: date-time
       * @description When its images were deleted (the record and its charge stay); artifacts are then empty
       */
      imagesDeletedAt: string | null;
      timings: {
        queueMs: number | null;
        pipelineMs: number | null;
        totalMs: number | null;
      } | null;
    };
    GenerationList: {
      data: components['schemas']['Generation'][];
      nextCursor: string | null;
    };
    InterpolationSettings: {
      toPrompt?: string;
      toSeed?: number;
      frames: number;
      frameDelayMs?: number;
    };
    LedgerEntry: {
      /** Format: uuid */
      id: string;
      /** @description Signed: debits are negative */
      amount: number;
      /** @enum {string} */
      kind: 'grant' | 'debit' | 'refund' | 'purchase' | 'adjustment';
      reference: string;
      balanceAfter: number;
      /** Format: date-time */
      createdAt: string;
    };
    LedgerPage: {
      data: components['schemas']['LedgerEntry'][];
      nextCursor: string | null;
    };
    Liveness: {
      /** @enum {string} */
      status: 'ok';
    };
    LoginRequest: {
      /** @description Email address; trimmed, NFKC-normalised and lower-cased */
      email: string;
      password: string;
    };
    LoginResponse: {
      accessToken: string;
    };
    Me: {
      /** Format: uuid */
      id: string;
      email: string;
      credits: number;
    };
    OutpaintMargins: {
      /** @default 0 */
      left?: number;
      /** @default 0 */
      top?: number;
      /** @default 0 */
      right?: number;
      /** @default 0 */
      bottom?: number;
    };
    PricingQuote: {
      credits: number;
    };
    Purchase: {
      /** Format: uuid */
      id: string;
      packId: string;
      /** @description Credits the pack grants when paid */
      credits: number;
      /** @description Price in minor units */
      amount: number;
      currency: string;
      /** @enum {string} */
      status: 'pending' | 'paid' | 'failed' | 'refunded' | 'partially_refunded' | 'disputed';
      /** @enum {string|null} */
      failureReason: 'async_payment_failed' | 'expired' | null;
      /** @description Minor units refunded so far */
      amountRefunded: number;
      /** @description Minor units under dispute */
      amountDisputed: number;
      creditsGranted: number;
      /** @description Credits taken back for refunds and disputes */
      creditsReversed: number;
      /** @description Credits a refund or dispute should have taken back but that were already spent */
      creditsShortfall: number;
      stripeCheckoutSessionId: string;
      stripePaymentIntentId: string | null;
      stripeChargeId: string | null;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      paidAt: string | null;
      /** Format: date-time */
      failedAt: string | null;
      /** Format: date-time */
      refundedAt: string | null;
      /** Format: date-time */
      disputedAt: string | null;
      /** @description The credit movements this purchase caused, oldest first */
      ledgerEntries: components['schemas']['LedgerEntry'][];
    };
    PurchasePage: {
      data: components['schemas']['Purchase'][];
      nextCursor: string | null;
      account: components['schemas']['BillingAccountState'];
    };
    Readiness: {
      /** @enum {string} */
      status: 'ok';
      checks: {
        /** @enum {string} */
        database: 'up';
        /** @enum {string} */
        redis: 'up';
      };
    };
    SessionResponse: {
      user: components['schemas']['User'];
      csrfToken: string;
    };
    SignupRequest: {
      /** @description Email address; trimmed, NFKC-normalised and lower-cased */
      email: string;
      password: string;
    };
    SignupResponse: {
      user: components['schemas']['User'];
      accessToken: string;
    };
    StabilityArtifacts: {
      artifacts: components['schemas']['StabilityImage'][];
    };
    StabilityEngine: {
      id: string;
      name: string;
      description: string;
      /** @enum {string} */
      type: 'AUDIO' | 'CLASSIFICATION' | 'PICTURE' | 'STORAGE' | 'TEXT' | 'VIDEO';
    };
    StabilityEngineList: components['schemas']['StabilityEngine'][];
    StabilityImage: {
      base64: string;
      seed: number;
      /** @enum {string} */
      finishReason: 'SUCCESS' | 'ERROR' | 'CONTENT_FILTERED';
    };
    StabilityImageToImageRequest: {
      text_prompts: {
        text: string;
        weight?: number;
      }[];
      /**
       * @default IMAGE_STRENGTH
       * @enum {string}
       */
      init_image_mode?: 'IMAGE_STRENGTH' | 'STEP_SCHEDULE';
      image_strength?: number;
      step_schedule_start?: number;
      step_schedule_end?: number;
      cfg_scale?: number;
      /**
       * @default NONE
       * @enum {string}
       */
      clip_guidance_preset?: 'FAST_BLUE' | 'FAST_GREEN' | 'NONE' | 'SIMPLE' | 'SLOW' | 'SLOWER' | 'SLOWEST';
      /** @enum {string} */
      sampler?:
        | 'DDIM'
        | 'DDPM'
        | 'K_DPMPP_2M'
        | 'K_DPMPP_2S_ANCESTRAL'
        | 'K_DPM_2'
        | 'K_DPM_2_ANCESTRAL'
        | 'K_EULER'
        | 'K_EULER_ANCESTRAL'
        | 'K_HEUN'
        | 'K_LMS';
      samples?: number;
      seed?: number;
      steps?: number;
      /** @enum {string} */
      style_preset?:
        | 'enhance'
        | 'anime'
        | 'photographic'
        | 'digital-art'
        | 'comic-book'
        | 'fantasy-art'
        | 'line-art'
        | 'analog-film'
        | 'neon-punk'
        | 'isometric'
        | 'low-poly'
        | 'origami'
        | 'modeling-compound'
        | 'cinematic'
        | '3d-model'
        | 'pixel-art'
        | 'tile-texture';
      extras?: {
        [key: string]: unknown;
      };
    };
    StabilityMaskingRequest: {
      text_prompts: {
        text: string;
        weight?: number;
      }[];
      /** @enum {string} */
      mask_source: 'MASK_IMAGE_WHITE' | 'MASK_IMAGE_BLACK' | 'INIT_IMAGE_ALPHA';
      cfg_scale?: number;
      /**
       * @default NONE
       * @enum {string}
       */
      clip_guidance_preset?: 'FAST_BLUE' | 'FAST_GREEN' | 'NONE' | 'SIMPLE' | 'SLOW' | 'SLOWER' | 'SLOWEST';
      /** @enum {string} */
      sampler?:
        | 'DDIM'
        | 'DDPM'
        | 'K_DPMPP_2M'
        | 'K_DPMPP_2S_ANCESTRAL'
        | 'K_DPM_2'
        | 'K_DPM_2_ANCESTRAL'
        | 'K_EULER'
        | 'K_EULER_ANCESTRAL'
        | 'K_HEUN'
        | 'K_LMS';
      samples?: number;
      seed?: number;
      steps?: number;
      /** @enum {string} */
      style_preset?:
        | 'enhance'
        | 'anime'
        | 'photographic'
        | 'digital-art'
        | 'comic-book'
        | 'fantasy-art'
        | 'line-art'
        | 'analog-film'
        | 'neon-punk'
        | 'isometric'
        | 'low-poly'
        | 'origami'
        | 'modeling-compound'
        | 'cinematic'
        | '3d-model'
        | 'pixel-art'
        | 'tile-texture';
      extras?: {
        [key: string]: unknown;
      };
    };
    StabilityTextToImageRequest: {
      text_prompts: {
        text: string;
        weight?: number;
      }[];
      height?: number;
      width?: number;
      cfg_scale?: number;
      /**
       * @default NONE
       * @enum {string}
       */
      clip_guidance_preset?: 'FAST_BLUE' | 'FAST_GREEN' | 'NONE' | 'SIMPLE' | 'SLOW' | 'SLOWER' | 'SLOWEST';
      /** @enum {string} */
      sampler?:
        | 'DDIM'
        | 'DDPM'
        | 'K_DPMPP_2M'
        | 'K_DPMPP_2S_ANCESTRAL'
        | 'K_DPM_2'
        | 'K_DPM_2_ANCESTRAL'
        | 'K_EULER'
        | 'K_EULER_ANCESTRAL'
        | 'K_HEUN'
        | 'K_LMS';
      samples?: number;
      seed?: number;
      steps?: number;
      /** @enum {string} */
      style_preset?:
        | 'enhance'
        | 'anime'
        | 'photographic'
        | 'digital-art'
        | 'comic-book'
        | 'fantasy-art'
        | 'line-art'
        | 'analog-film'
        | 'neon-punk'
        | 'isometric'
        | 'low-poly'
        | 'origami'
        | 'modeling-compound'
        | 'cinematic'
        | '3d-model'
        | 'pixel-art'
        | 'tile-texture';
      extras?: {
        [key: string]: unknown;
      };
    };
    StripeWebhookAck: {
      /** @enum {boolean} */
      received: true;
      /**
       * @description duplicate: this event id was processed before; ignored: not an event or purchase of ours
       * @enum {string}
       */
      outcome: 'processed' | 'duplicate' | 'ignored';
    };
    User: {
      /** Format: uuid */
      id: string;
      email: string;
      /** Format: date-time */
      createdAt: string;
    };
    V1Account: {
      id: string;
      email: string;
      profile_picture: string;
      organizations: {
        id: string;
        name: string;
        role: string;
        is_default: boolean;
      }[];
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  AuthController_signup: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SignupRequest'];
      };
    };
    responses: {
      /** @description Account created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SignupResponse'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  AuthController_login: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['LoginRequest'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LoginResponse'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  KeysController_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ApiKeyList'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  KeysController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateApiKeyRequest'];
      };
    };
    responses: {
      /** @description Key created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedApiKey'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  KeysController_revoke: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  UsersController_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Me'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  UsersController_v1Account: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['V1Account'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  BalanceController_balance: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Balance'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  BalanceController_v1Balance: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Balance'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  BalanceController_ledgerPage: {
    parameters: {
      query?: {
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LedgerPage'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  PricingController_quote: {
    parameters: {
      query?: {
        width?: number;
        height?: number;
        steps?: number;
        samples?: number;
        frames?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PricingQuote'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  HealthController_live: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Liveness'];
        };
      };
    };
  };
  HealthController_ready: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Readiness'];
        };
      };
      /** @description Error */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  GenerationsController_list: {
    parameters: {
      query?: {
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GenerationList'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  GenerationsController_create: {
    parameters: {
      query?: never;
      header?: {
        /** @description wait=N: hold up to N s and return the finished generation */
        Prefer?: string;
        /** @description Same key + same body within 24 h → same generation, one charge */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateGenerationRequest'];
        'multipart/form-data': components['schemas']['CreateGenerationRequest'];
      };
    };
    responses: {
      /** @description Finished within Prefer: wait=N */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Generation'];
        };
      };
      /** @description Queued */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedGeneration'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      402: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  GenerationsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Generation'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  GenerationsController_remove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  GenerationsController_cancel: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Generation'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  GenerationsController_stream: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  StabilityController_listEngines: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StabilityEngineList'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  StabilityController_textToImage: {
    parameters: {
      query?: never;
      header?: {
        /** @description application/json (default) or image/png (one image, with Seed and Finish-Reason headers) */
        Accept?: string;
      };
      path: {
        engine_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['StabilityTextToImageRequest'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StabilityArtifacts'];
          'image/png': components['schemas']['StabilityArtifacts'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      402: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
    };
  };
  StabilityController_imageToImage: {
    parameters: {
      query?: never;
      header?: {
        /** @description application/json (default) or image/png (one image, with Seed and Finish-Reason headers) */
        Accept?: string;
      };
      path: {
        engine_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': components['schemas']['StabilityImageToImageRequest'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StabilityArtifacts'];
          'image/png': components['schemas']['StabilityArtifacts'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      402: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
    };
  };
  StabilityController_masking: {
    parameters: {
      query?: never;
      header?: {
        /** @description application/json (default) or image/png (one image, with Seed and Finish-Reason headers) */
        Accept?: string;
      };
      path: {
        engine_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': components['schemas']['StabilityMaskingRequest'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StabilityArtifacts'];
          'image/png': components['schemas']['StabilityArtifacts'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      402: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
          'image/png': components['schemas']['Error'];
        };
      };
    };
  };
  BillingController_packs: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreditPackList'];
        };
      };
    };
  };
  BillingController_checkout: {
    parameters: {
      query?: never;
      header?: {
        /** @description Retrying with the same key returns the same Checkout Session */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CheckoutRequest'];
      };
    };
    responses: {
      /** @description Checkout Session created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CheckoutSession'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  BillingController_purchases: {
    parameters: {
      query?: {
        cursor?: string;
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PurchasePage'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  StripeWebhookController_receive: {
    parameters: {
      query?: never;
      header: {
        /** @description t=<unix time>,v1=<HMAC-SHA256> */
        'Stripe-Signature': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': Record<string, never>;
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StripeWebhookAck'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  SessionController_current: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionResponse'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  SessionController_signIn: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['LoginRequest'];
      };
    };
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionResponse'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  SessionController_signOut: {
    parameters: {
      query?: never;
      header: {
        'x-csrf-token': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  SessionController_signUp: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SignupRequest'];
      };
    };
    responses: {
      /** @description Account created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SessionResponse'];
        };
      };
      /** @description Error */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  EnginesController_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OK */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['EngineList'];
        };
      };
      /** @description Error */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Error */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
}
