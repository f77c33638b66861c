/**
 * The pricing quote is what a generation is charged: for requests across sizes, steps, samples, an outpainting's
 * margins and an interpolation's frames, GET /api/pricing/quote equals the generation's cost and its ledger
 * debit. Each generation is canceled once paid for (the debit stays in the ledger; the refund is separate).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/app.js';
import {
  solidPng,
  startGenerationsHarness,
  type GenerationBody,
  type GenerationsHarness,
} from '../generations/generations-harness.js';

let h: GenerationsHarness;

beforeAll(async () => {
  h = await startGenerationsHarness();
});
afterAll(async () => {
  await h?.close();
});

interface Case {
  name: string;
  request: Record<string, unknown>;
  quote: Record<string, number>;
  credits: number;
}

const cases = async (): Promise<Case[]> => [
  {
    name: 'few steps (below the old quote minimum of 10)',
    request: { width: 64, height: 64, steps: 3 },
    quote: { width: 64, height: 64, steps: 3 },
    credits: 1,
  },
  {
    name: 'the most samples at many steps',
    request: { width: 448, height: 384, steps: 150, samples: 10 },
    quote: { width: 448, height: 384, steps: 150, samples: 10 },
    credits: 20,
  },
  {
    name: 'an interpolation, priced per frame',
    request: {
      mode: 'interpolate',
      width: 256,
      height: 256,
      steps: 60,
      interpolation: { toPrompt: 'a stormy harbour', frames: 7 },
    },
    quote: { width: 256, height: 256, steps: 60, frames: 7 },
    credits: 7,
  },
  {
    name: "an outpainting, priced at the result's size",
    request: {
      mode: 'outpaint',
      initImage: await solidPng(256, 256),
      // An outpainting works at the size asked for (the engine's native one without it), not the input's.
      width: 256,
      height: 256,
      steps: 100,
      outpaint: { top: 128, bottom: 128, left: 64 },
    },
    quote: { width: 320, height: 512, steps: 100 },
    credits: 2,
  },
];

describe('pricing quote = the charge', () => {
  it('quotes exactly what each generation request is debited', async () => {
    const user = await h.user(500);
    for (const c of await cases()) {
      const query = Object.entries(c.quote)
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      const quote = await call<{ credits: number }>(h.api.url, 'GET', `/api/pricing/quote?${query}`);
      expect(quote.status, c.name).toBe(200);
      expect(quote.body.credits, c.name).toBe(c.credits);

      const created = await call<GenerationBody>(h.api.url, 'POST', '/api/generations', {
        token: user.token,
        json: { engine: h.engine, prompt: 'a quiet harbour', ...c.request },
      });
      expect(created.status, `${c.name}: ${JSON.stringify(created.body)}`).toBe(202);
      expect(created.body.cost, c.name).toBe(c.credits);
      const [debit] = await h.prisma.$queryRaw<{ amount: number }[]>`SELECT amount FROM ledger_entries
        WHERE user_id = ${user.id}::uuid AND reference = ${`generation:${created.body.id}:debit`}`;
      expect(debit?.amount, c.name).toBe(-c.credits);
      await call(h.api.url, 'POST', `/api/generations/${created.body.id}/cancel`, { token: user.token });
    }
  }, 60_000);

  it.each(['steps=0', 'steps=151', 'frames=1', 'frames=61', 'samples=2&frames=3'])(
    'refuses what a generation refuses: %s → 400 naming the parameter',
    async (query) => {
      const reply = await call<{ message: string }>(h.api.url, 'GET', `/api/pricing/quote?${query}`);
      expect(reply.status).toBe(400);
      expect(reply.body.message).toContain(query.split('&').pop()!.split('=')[0]);
    },
  );
});
