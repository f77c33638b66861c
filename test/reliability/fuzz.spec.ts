/**
 * Property-based fuzzing (fast-check) of request bodies against the real API and a live engine: arbitrary JSON and
 * near-valid mutations for POST /api/generations and the Stability v1 routes. Never a 5xx; a debit only for a 2xx
 * (exactly one, of the answered cost); an error answer always `{id, name, message}`. Seeded: FUZZ_SEED=<n>
 * replays a run (the seed is printed), FUZZ_RUNS scales the number of runs.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../support/app.js';
import { startGenerationsHarness, type GenerationsHarness } from '../generations/generations-harness.js';
import { makeHostileImages, type HostileImages } from './bad-input-images.js';
import { nativeBodies, v1FormFields, v1TextBodies } from './fuzz-arbitraries.js';
import { multipart, send, type Part, type RawReply } from './hostile-http.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

let h: GenerationsHarness;
let images: HostileImages;
let user: { id: string; key: string };

beforeAll(async () => {
  console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
  // Thousands of requests from one key: the rate limit is not what is under test here.
  h = await startGenerationsHarness({ RATE_LIMIT_API_KEY_MAX: '1000000' });
  images = await makeHostileImages();
  const u = await h.user(10_000_000);
  user = { id: u.id, key: (await createKey(h.api.url, u.token, 'fuzz')).key };
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** Answers by status for the property running now, printed after it: shows how far the fuzzer got in. */
const tally = new Map<number, number>();
afterEach(() => {
  console.log(`statuses: ${JSON.stringify(Object.fromEntries([...tally].sort(([a], [b]) => a - b)))}`);
  tally.clear();
});

interface Counts {
  debits: number;
  generations: number;
}

async function counts(): Promise<Counts> {
  const [debits, generations] = await Promise.all([
    h.prisma.ledgerEntry.count({ where: { userId: user.id, kind: 'debit' } }),
    h.prisma.generation.count({ where: { userId: user.id } }),
  ]);
  return { debits, generations };
}

/** The property every fuzzed request must keep; returns the reply for route-specific checks. */
async function checkReply(reply: RawReply, before: Counts, what: string): Promise<void> {
  tally.set(reply.status, (tally.get(reply.status) ?? 0) + 1);
  const context = `${what} → ${reply.status} ${reply.text.slice(0, 300)}`;
  expect(reply.status, context).toBeLessThan(500);
  const after = await counts();
  if (reply.status >= 200 && reply.status < 300) {
    expect(after.debits - before.debits, context).toBe(1);
    expect(after.generations - before.generations, context).toBe(1);
    return;
  }
  expect(reply.status, context).toBeGreaterThanOrEqual(400);
  expect(after, context).toEqual(before);
  const body = reply.json as Record<string, unknown> | undefined;
  expect(Object.keys(body ?? {}).sort(), context).toEqual(['id', 'message', 'name']);
}

const auth = () => ({ authorization: `Bearer ${user.key}` });

async function postJson(path: string, body: unknown): Promise<RawReply> {
  // JSON.stringify drops undefined and turns non-finite numbers into null, as any client would.
  const text = JSON.stringify(body) ?? 'null';
  return send(h.api.url, 'POST', path, { ...auth(), 'content-type': 'application/json' }, Buffer.from(text));
}

/** A 202 generation is canceled at once: refunded, and the worker is free for the next run. */
async function cancelIfAccepted(reply: RawReply): Promise<void> {
  const id = (reply.json as { id?: unknown } | undefined)?.id;
  if (reply.status !== 202 || typeof id !== 'string') return;
  const ledger = await h.prisma.ledgerEntry.findUnique({ where: { reference: `generation:${id}:debit` } });
  expect(ledger?.amount).toBe(-(reply.json as { cost: number }).cost);
  await send(h.api.url, 'POST', `/api/generations/${id}/cancel`, auth());
}

const params = (numRuns: number) => ({ seed: SEED, numRuns: runs(numRuns), endOnFailure: true });

describe(`fuzzing request bodies (seed ${SEED})`, () => {
  it('POST /api/generations: arbitrary JSON and near-valid bodies', async () => {
    await fc.assert(
      fc.asyncProperty(nativeBodies(h.engine), async (body) => {
        const before = await counts();
        const reply = await postJson('/api/generations', body);
        await checkReply(reply, before, JSON.stringify(body)?.slice(0, 500) ?? 'undefined');
        await cancelIfAccepted(reply);
      }),
      params(250),
    );
  }, 120_000);

  it('POST /v1/generation/{engine}/text-to-image: arbitrary JSON and near-valid bodies', async () => {
    await fc.assert(
      fc.asyncProperty(v1TextBodies(), async (body) => {
        const before = await counts();
        const reply = await postJson(`/v1/generation/${h.engine}/text-to-image`, body);
        await checkReply(reply, before, JSON.stringify(body)?.slice(0, 500) ?? 'undefined');
      }),
      params(150),
    );
  }, 120_000);

  for (const route of ['image-to-image', 'image-to-image/masking'] as const) {
    it(`POST /v1/generation/{engine}/${route}: multipart fields and files`, async () => {
      const masking = route !== 'image-to-image';
      const image = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom<keyof HostileImages>('png64', 'png64Alpha', 'mask64') },
        fc.constantFrom<keyof HostileImages>(
          'mask128x64',
          'text',
          'empty',
          'truncatedPng',
          'bomb65536',
          'gif',
        ),
      );
      const optionalFile = (name: string) =>
        fc.option(
          image.map((i): [string, keyof HostileImages] => [name, i]),
          { freq: 4 },
        );
      // Mostly the right files (so valid forms occur), sometimes missing, extra or under another name.
      const files = fc
        .tuple(
          optionalFile('init_image'),
          masking ? optionalFile('mask_image') : fc.constant(null),
          fc.array(fc.tuple(fc.constantFrom('init_image', 'mask_image', 'image'), image), { maxLength: 1 }),
        )
        .map(([init, mask, extra]) => [init, mask, ...extra].filter((f) => f !== null));
      await fc.assert(
        fc.asyncProperty(v1FormFields(masking), files, async (fields, chosen) => {
          const parts: Part[] = [
            ...fields.map(([name, data]): Part => ({ name, data })),
            ...chosen.map(([name, image]): Part => ({
              name,
              data: images[image],
              filename: 'x.png',
              type: 'image/png',
            })),
          ];
          const { body, contentType } = multipart(parts);
          const before = await counts();
          const reply = await send(
            h.api.url,
            'POST',
            `/v1/generation/${h.engine}/${route}`,
            { ...auth(), 'content-type': contentType },
            body,
          );
          await checkReply(reply, before, JSON.stringify({ fields, files: chosen }));
        }),
        params(80),
      );
    }, 120_000);
  }
});
