import { z } from 'zod';

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

// From 64 px like the generation request itself, so every size an engine takes (easel-tiny: 64×64) can be quoted.
const dimension = z.coerce.number().int().multipleOf(64).min(64).max(2048);

/** Query of GET /api/pricing/quote: sizes as generations take them (multiples of 64), steps 10..150, samples 1..10. */
export const PricingQuoteQuery = z
  .strictObject({
    width: dimension.default(512),
    height: dimension.default(512),
    steps: z.coerce.number().int().min(10).max(150).default(50),
    samples: z.coerce.number().int().min(1).max(10).default(1),
  })
  .meta({ id: 'PricingQuoteQuery' });
export type PricingQuoteQuery = z.infer<typeof PricingQuoteQuery>;

export const PricingQuote = z.strictObject({ credits: z.number().int().min(1) }).meta({ id: 'PricingQuote' });
export type PricingQuote = z.infer<typeof PricingQuote>;
