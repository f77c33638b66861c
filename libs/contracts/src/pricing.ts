import { z } from 'zod';

import { MAX_FRAMES, MAX_SAMPLES, MAX_STEPS } from './generations.js';

/** Pixels of the reference image that costs one credit at up to REFERENCE_STEPS steps. */
export const REFERENCE_PIXELS = 512 * 512;
export const REFERENCE_STEPS = 50;

export interface PricingInput {
  width: number;
  height: number;
  steps: number;
  samples: number;
}

/**
 * Credits for a generation: per image ceil(w·h / 512² · max(1, steps / 50)), at least 1, times samples.
 * Integer arithmetic (no float rounding): ceil(w·h·max(50, steps) / (512²·50)).
 */
export function creditsFor({ width, height, steps, samples }: PricingInput): number {
  const work = width * height * Math.max(REFERENCE_STEPS, steps);
  const perImage = Math.max(1, Math.ceil(work / (REFERENCE_PIXELS * REFERENCE_STEPS)));
  return perImage * samples;
}

// The generation request's own limits, so every request can be quoted before it is sent (easel-tiny: 64×64).
const dimension = z.coerce.number().int().multipleOf(64).min(64).max(2048);

/**
 * Query of GET /api/pricing/quote, with CreateGenerationRequest's limits: the result's size (an outpainting's
 * includes its margins), steps 1..150, and samples 1..10 or, for an interpolation, frames 2..60 (each frame is
 * priced as an image).
 */
export const PricingQuoteQuery = z
  .strictObject({
    width: dimension.default(512),
    height: dimension.default(512),
    steps: z.coerce.number().int().min(1).max(MAX_STEPS).default(50),
    samples: z.coerce.number().int().min(1).max(MAX_SAMPLES).optional().describe('Default 1'),
    frames: z.coerce
      .number()
      .int()
      .min(2)
      .max(MAX_FRAMES)
      .optional()
      .describe('An interpolation: its frames, each priced as an image (instead of samples)'),
  })
  .refine((q) => q.samples === undefined || q.frames === undefined, {
    message: 'give samples or frames (an interpolation), not both',
    path: ['frames'],
  })
  .meta({ id: 'PricingQuoteQuery' });
export type PricingQuoteQuery = z.infer<typeof PricingQuoteQuery>;

/** Credits for a quote's query: the same function the generation request is charged with. */
export function quoteCredits(query: PricingQuoteQuery): number {
  return creditsFor({ ...query, samples: query.frames ?? query.samples ?? 1 });
}

export const PricingQuote = z.strictObject({ credits: z.number().int().min(1) }).meta({ id: 'PricingQuote' });
export type PricingQuote = z.infer<typeof PricingQuote>;
