import { describe, expect, it } from 'vitest';
import { creditsFor, PricingQuoteQuery, quoteCredits } from './pricing.js';

describe('creditsFor', () => {
  it.each([
    [512, 512, 50, 1, 1],
    [512, 512, 100, 1, 2],
    [768, 768, 50, 1, 3],
    [512, 512, 10, 1, 1],
    [256, 256, 50, 1, 1],
    [512, 512, 50, 4, 4],
    [768, 768, 50, 2, 6],
    [1024, 1024, 150, 1, 12],
    [512, 768, 75, 1, 3],
  ])('%ix%i at %i steps, %i samples → %i credits', (width, height, steps, samples, credits) => {
    expect(creditsFor({ width, height, steps, samples })).toBe(credits);
  });

  it('never charges less than one credit per image', () => {
    expect(creditsFor({ width: 128, height: 128, steps: 10, samples: 3 })).toBe(3);
  });
});

describe('PricingQuoteQuery', () => {
  it('coerces query strings and applies defaults', () => {
    expect(PricingQuoteQuery.parse({ width: '768' })).toEqual({ width: 768, height: 512, steps: 50 });
  });

  it('takes what a generation request takes: steps from 1, samples up to 10, frames 2..60 instead of samples', () => {
    expect(PricingQuoteQuery.safeParse({ steps: '1' }).success).toBe(true);
    expect(PricingQuoteQuery.safeParse({ steps: '0' }).success).toBe(false);
    expect(PricingQuoteQuery.safeParse({ samples: '10' }).success).toBe(true);
    expect(PricingQuoteQuery.safeParse({ frames: '60' }).success).toBe(true);
    expect(PricingQuoteQuery.safeParse({ frames: '61' }).success).toBe(false);
    expect(PricingQuoteQuery.safeParse({ samples: '2', frames: '3' }).success).toBe(false);
  });

  it('prices samples, or an interpolation per frame, like the generation', () => {
    const quote = (q: Record<string, string>): number => quoteCredits(PricingQuoteQuery.parse(q));
    expect(quote({})).toBe(1);
    expect(quote({ width: '768', height: '768', samples: '2' })).toBe(6);
    expect(quote({ width: '768', height: '768', frames: '5' })).toBe(15);
    expect(quote({ width: '64', height: '64', steps: '3', frames: '60' })).toBe(60);
  });

  it('rejects sizes off the 64 grid and unknown fields', () => {
    expect(PricingQuoteQuery.safeParse({ width: '500' }).success).toBe(false);
    expect(PricingQuoteQuery.safeParse({ cfg: '7' }).success).toBe(false);
  });
});
