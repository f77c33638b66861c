import { z } from 'zod';

/** Stable machine codes of every error body. The HTTP status of each is part of the contract. */
export const ERROR_STATUS = {
  invalid_request: 400,
  // Stability v1's names for bad generation input (see stability.ts).
  bad_request: 400,
  invalid_samples: 400,
  invalid_height_or_width: 400,
  invalid_file_size: 400,
  invalid_mime_type: 400,
  invalid_image_dimensions: 400,
  invalid_mask_image: 400,
  invalid_prompts: 400,
  invalid_pixel_count: 400,
  // A Stripe webhook whose Stripe-Signature does not verify (missing, forged, stale).
  invalid_signature: 400,
  unauthorized: 401,
  insufficient_credits: 402,
  permission_denied: 403,
  // A dashboard request changing state without the session's X-CSRF-Token.
  csrf_failed: 403,
  not_found: 404,
  email_taken: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  server_error: 500,
  service_unavailable: 503,
  billing_not_configured: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** Stability v1's error shape: `id` is the request id (also sent as `X-Request-Id`). */
export const ErrorBody = z
  .strictObject({
    id: z.string().describe('Request id, also sent as the X-Request-Id header'),
    name: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]).describe('Stable machine code'),
    message: z.string().describe('What went wrong, for a person'),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;
