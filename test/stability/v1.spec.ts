/**
 * Stability REST v1 compatibility end to end: the real API (PostgreSQL, Redis), a real GPU worker on the generated
 * test model (native 64x64, max 512 px a side, max 1,048,576 px), requests built as Stability's examples build them.
 */
import { creditsFor } from '@easel/contracts';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  balance,
  startGenerationsHarness,
  type GenerationsHarness,
} from '../generations/generations-harness.js';
import { createKey, expectErrorShape } from '../support/app.js';
import { bombPng, gradientPng, halfMaskPng, truncatedPng } from './images.js';
import { lighthouse, postForm, textToImage, type V1Artifacts } from './v1-client.js';

let h: GenerationsHarness;
let base: string;
let token: string;
let key: string;

/** Small and fast on CPU: the test engine's sizes and v1's minimum steps. */
const small = (overrides: Record<string, unknown> = {}) =>
  lighthouse({ height: 128, width: 128, steps: 10, ...overrides });

async function png(bytes: Buffer): Promise<{ format?: string; width?: number; height?: number }> {
  const meta = await sharp(bytes).metadata();
  return { format: meta.format, width: meta.width, height: meta.height };
}

beforeAll(async () => {
  h = await startGenerationsHarness();
  base = h.api.url;
  ({ token } = await h.user(200));
  ({ key } = await createKey(base, token, 'v1'));
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('GET /v1/engines/list', () => {
  it('lists the live engine as {id, name, description, type}', async () => {
    const response = await fetch(`${base}/v1/engines/list`, { headers: { Authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    const engines = (await response.json()) as Array<Record<string, unknown>>;
    const engine = engines.find((e) => e.id === h.engine);
    expect(engine).toBeDefined();
    expect(Object.keys(engine ?? {}).sort()).toEqual(['description', 'id', 'name', 'type']);
    expect(engine?.type).toBe('PICTURE');
  });
});

describe('text-to-image', () => {
  it('answers JSON artifacts for the spec example body, and the balance drops by the price', async () => {
    const before = await balance(base, token);
    const reply = await textToImage<V1Artifacts>(base, h.engine, small(), { key });
    expect(reply.status).toBe(200);
    expect(reply.body.artifacts).toHaveLength(1);
    const [artifact] = reply.body.artifacts;
    expect(Object.keys(artifact ?? {}).sort()).toEqual(['base64', 'finishReason', 'seed']);
    expect(artifact?.finishReason).toBe('SUCCESS');
    expect(artifact?.seed).toBeGreaterThan(0);
    expect(await png(Buffer.from(artifact?.base64 ?? '', 'base64'))).toEqual({
      format: 'png',
      width: 128,
      height: 128,
    });
    const price = creditsFor({ width: 128, height: 128, steps: 10, samples: 1 });
    expect(await balance(base, token)).toBe(before - price);
  });

  it('answers PNG bytes with Seed and Finish-Reason for Accept: image/png; the same seed gives the same bytes', async () => {
    const first = await textToImage(base, h.engine, small({ seed: 1234 }), { key, accept: 'image/png' });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/png');
    expect(first.headers.get('seed')).toBe('1234');
    expect(first.headers.get('finish-reason')).toBe('SUCCESS');
    expect(await png(first.bytes)).toEqual({ format: 'png', width: 128, height: 128 });
    const again = await textToImage<V1Artifacts>(base, h.engine, small({ seed: 1234 }), { key });
    expect(Buffer.from(again.body.artifacts[0]?.base64 ?? '', 'base64').equals(first.bytes)).toBe(true);
    const other = await textToImage(base, h.engine, small({ seed: 1235 }), { key, accept: 'image/png' });
    expect(other.bytes.equals(first.bytes)).toBe(false);
  });

  it('defaults to the engine native size, takes weighted and negative prompts, samples > 1 and the bare key', async () => {
    const reply = await textToImage<V1Artifacts>(
      base,
      h.engine,
      {
        text_prompts: [
          { text: 'A lighthouse on a cliff', weight: 0.5 },
          { text: 'land, ground, dirt, grass', weight: -0.9 },
        ],
        samples: 2,
        steps: 10,
        sampler: 'K_EULER_ANCESTRAL',
        style_preset: 'photographic',
      },
      { key, bare: true },
    );
    expect(reply.status).toBe(200);
    expect(reply.body.artifacts).toHaveLength(2);
    for (const artifact of reply.body.artifacts) {
      expect(await png(Buffer.from(artifact.base64, 'base64'))).toEqual({
        format: 'png',
        width: 64,
        height: 64,
      });
    }
  });
});

describe('image-to-image (multipart)', () => {
  const route = () => `/v1/generation/${h.engine}/image-to-image`;

  it('IMAGE_STRENGTH and the equivalent STEP_SCHEDULE give the same image, of the init image size', async () => {
    const init = await gradientPng(128, 64);
    // The spec's two examples ("Using IMAGE_STRENGTH", "Using STEP_SCHEDULE"), with a fixed seed and one sample.
    const common = {
      'text_prompts[0][text]': 'A dog space commander',
      'text_prompts[0][weight]': 1,
      cfg_scale: 7,
      clip_guidance_preset: 'FAST_BLUE',
      sampler: 'K_DPM_2_ANCESTRAL',
      samples: 1,
      steps: 20,
      seed: 77,
    };
    const strength = await postForm<V1Artifacts>(
      base,
      route(),
      { init_image: init, init_image_mode: 'IMAGE_STRENGTH', image_strength: 0.35, ...common },
      { key },
    );
    expect(strength.status).toBe(200);
    const schedule = await postForm<V1Artifacts>(
      base,
      route(),
      { init_image: init, init_image_mode: 'STEP_SCHEDULE', step_schedule_start: 0.65, ...common },
      { key },
    );
    expect(schedule.status).toBe(200);
    const a = Buffer.from(strength.body.artifacts[0]?.base64 ?? '', 'base64');
    const b = Buffer.from(schedule.body.artifacts[0]?.base64 ?? '', 'base64');
    expect(await png(a)).toEqual({ format: 'png', width: 128, height: 64 });
    expect(a.equals(b)).toBe(true);
    expect(strength.body.artifacts[0]?.seed).toBe(77);
  });

  it('takes STEP_SCHEDULE with an end, and answers PNG', async () => {
    const reply = await postForm(
      base,
      route(),
      {
        init_image: await gradientPng(64, 64),
        init_image_mode: 'STEP_SCHEDULE',
        step_schedule_start: 0.7,
        step_schedule_end: 0.1,
        'text_prompts[0][text]': 'Galactic dog wearing a cape',
        // Indices need not be sequential (spec); a negative weight is a negative prompt.
        'text_prompts[3][text]': 'land, ground, dirt, grass',
        'text_prompts[3][weight]': -0.9,
        steps: 10,
      },
      { key, accept: 'image/png' },
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get('finish-reason')).toBe('SUCCESS');
    expect(await png(reply.bytes)).toEqual({ format: 'png', width: 64, height: 64 });
  });
});

describe('image-to-image/masking', () => {
  const route = () => `/v1/generation/${h.engine}/image-to-image/masking`;
  const fields = {
    'text_prompts[0][text]': 'A large spiral galaxy',
    cfg_scale: 7,
    samples: 1,
    steps: 10,
    seed: 5,
  };

  it.each(['MASK_IMAGE_WHITE', 'MASK_IMAGE_BLACK'])('inpaints with %s and a mask image', async (source) => {
    const reply = await postForm<V1Artifacts>(
      base,
      route(),
      {
        init_image: await gradientPng(64, 64),
        mask_image: await halfMaskPng(64, 64),
        mask_source: source,
        ...fields,
      },
      { key },
    );
    expect(reply.status).toBe(200);
    const out = Buffer.from(reply.body.artifacts[0]?.base64 ?? '', 'base64');
    expect(await png(out)).toEqual({ format: 'png', width: 64, height: 64 });
  });

  it('inpaints with INIT_IMAGE_ALPHA from a transparent init image', async () => {
    const reply = await postForm(
      base,
      route(),
      { init_image: await gradientPng(64, 64, true), mask_source: 'INIT_IMAGE_ALPHA', ...fields },
      { key, accept: 'image/png' },
    );
    expect(reply.status).toBe(200);
    expect(await png(reply.bytes)).toEqual({ format: 'png', width: 64, height: 64 });
  });

  it('masks with WHITE and BLACK paint opposite halves: each keeps the input where its mask keeps it', async () => {
    const init = await gradientPng(64, 64);
    const mask = await halfMaskPng(64, 64);
    const run = async (source: string) => {
      const reply = await postForm(
        base,
        route(),
        { init_image: init, mask_image: mask, mask_source: source, ...fields },
        {
          key,
          accept: 'image/png',
        },
      );
      return sharp(reply.bytes).removeAlpha().raw().toBuffer();
    };
    const input = await sharp(init).raw().toBuffer();
    const [white, black] = [await run('MASK_IMAGE_WHITE'), await run('MASK_IMAGE_BLACK')];
    // Mean absolute difference from the input over the left (white in the mask) and right halves.
    const diff = (out: Buffer, left: boolean) => {
      let sum = 0;
      let n = 0;
      for (let y = 0; y < 64; y++)
        for (let x = left ? 0 : 40; x < (left ? 24 : 64); x++)
          for (let c = 0; c < 3; c++, n++)
            sum += Math.abs((out[(y * 64 + x) * 3 + c] ?? 0) - (input[(y * 64 + x) * 3 + c] ?? 0));
      return sum / n;
    };
    expect(diff(white, false)).toBeLessThan(diff(white, true));
    expect(diff(black, true)).toBeLessThan(diff(black, false));
  });
});

describe('bad input: Stability error names, nothing charged', () => {
  let before: number;
  beforeAll(async () => {
    before = await balance(base, token);
  });

  it.each([
    ['width not a multiple of 64', { width: 500 }, 'invalid_height_or_width'],
    ['height under 128', { height: 64 }, 'invalid_height_or_width'],
    ['too many pixels', { width: 1088, height: 1024 }, 'invalid_pixel_count'],
    ['a side over the engine maximum', { width: 1024, height: 128 }, 'invalid_height_or_width'],
    ['steps under 10', { steps: 9 }, 'bad_request'],
    ['steps over 150', { steps: 151 }, 'bad_request'],
    ['cfg_scale over 35', { cfg_scale: 36 }, 'bad_request'],
    ['an unknown sampler', { sampler: 'K_EULER_FASTEST' }, 'bad_request'],
    ['a prompt over 2,000 characters', { text_prompts: [{ text: 'a'.repeat(2001) }] }, 'bad_request'],
    ['no prompt', { text_prompts: [] }, 'bad_request'],
    ['samples over 10', { samples: 11 }, 'bad_request'],
  ])('text-to-image with %s → 400 %s', async (_what, patch, name) => {
    const reply = await textToImage(base, h.engine, small(patch), { key });
    expectErrorShape(reply, 400, name);
  });

  it('samples > 1 with Accept: image/png → 400 invalid_samples', async () => {
    expectErrorShape(
      await textToImage(base, h.engine, small({ samples: 2 }), { key, accept: 'image/png' }),
      400,
      'invalid_samples',
    );
  });

  it('malformed JSON → 400 bad_request', async () => {
    const response = await fetch(`${base}/v1/generation/${h.engine}/text-to-image`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: '{"text_prompts": [',
    });
    expectErrorShape(
      { status: response.status, headers: response.headers, body: await response.json() },
      400,
      'bad_request',
    );
  });

  it('an unknown engine → 404 not_found with Stability wording', async () => {
    const reply = await textToImage<{ message: string }>(base, 'some-fake-engine', small(), { key });
    expectErrorShape(reply, 404, 'not_found');
    expect(reply.body.message).toBe('The specified engine (ID some-fake-engine) was not found.');
  });

  it('a revoked key → 401 unauthorized', async () => {
    const revoked = await createKey(base, token, 'to revoke');
    expect((await textToImage(base, h.engine, small({ width: 500 }), { key: revoked.key })).status).toBe(400);
    const response = await fetch(`${base}/api/keys/${revoked.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBeLessThan(300);
    expectErrorShape(await textToImage(base, h.engine, small(), { key: revoked.key }), 401, 'unauthorized');
  });

  it('no key → 401 unauthorized', async () => {
    expectErrorShape(await textToImage(base, h.engine, small()), 401, 'unauthorized');
  });

  const i2i = () => `/v1/generation/${h.engine}/image-to-image`;
  const masking = () => `/v1/generation/${h.engine}/image-to-image/masking`;
  const prompt = { 'text_prompts[0][text]': 'A dog space commander', steps: 10 };

  it.each([
    ['bytes that are no image', () => Buffer.from('this is not an image at all'), 'invalid_mime_type'],
    ['a truncated PNG', () => truncatedPng(128, 128), 'bad_request'],
    [
      'a decompression bomb (64x64 data declaring 65536x65536)',
      () => bombPng(65_536, 65_536),
      'invalid_pixel_count',
    ],
    ['an init image off the 64 grid', () => gradientPng(100, 64), 'invalid_height_or_width'],
    ['an empty file', () => Buffer.alloc(0), 'invalid_file_size'],
  ])('image-to-image with %s → 400 %s', async (_what, make, name) => {
    expectErrorShape(
      await postForm(base, i2i(), { init_image: await make(), ...prompt }, { key }),
      400,
      name,
    );
  });

  it('image-to-image sent as JSON → 400 bad_request', async () => {
    const response = await fetch(`${base}${i2i()}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ text_prompts: [{ text: 'x' }] }),
    });
    const body: unknown = await response.json();
    expectErrorShape({ status: response.status, headers: response.headers, body }, 400, 'bad_request');
  });

  it('image-to-image without init_image, and with image_strength > 1 → 400 bad_request', async () => {
    expectErrorShape(await postForm(base, i2i(), prompt, { key }), 400, 'bad_request');
    const init = await gradientPng(64, 64);
    expectErrorShape(
      await postForm(base, i2i(), { init_image: init, image_strength: 1.5, ...prompt }, { key }),
      400,
      'bad_request',
    );
  });

  it('masking: a mask of another size → invalid_image_dimensions; no mask → invalid_mask_image', async () => {
    const init = await gradientPng(64, 64);
    const other = await halfMaskPng(128, 64);
    const sized = await postForm(
      base,
      masking(),
      { init_image: init, mask_image: other, mask_source: 'MASK_IMAGE_WHITE', ...prompt },
      { key },
    );
    expectErrorShape(sized, 400, 'invalid_image_dimensions');
    const none = await postForm(
      base,
      masking(),
      { init_image: init, mask_source: 'MASK_IMAGE_BLACK', ...prompt },
      { key },
    );
    expectErrorShape(none, 400, 'invalid_mask_image');
    const opaque = await postForm(
      base,
      masking(),
      { init_image: init, mask_source: 'INIT_IMAGE_ALPHA', ...prompt },
      { key },
    );
    expectErrorShape(opaque, 400, 'invalid_mask_image');
  });

  it('charged nothing for any of them', async () => {
    expect(await balance(base, token)).toBe(before);
  });
});

describe('credits', () => {
  it('a balance below the price → 402 insufficient_credits, nothing queued', async () => {
    const poor = await h.user(0);
    const response = await fetch(`${base}/v1/generation/${h.engine}/text-to-image`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${poor.token}` },
      body: JSON.stringify(small()),
    });
    expectErrorShape(
      { status: response.status, headers: response.headers, body: await response.json() },
      402,
      'insufficient_credits',
    );
    expect(await balance(base, poor.token)).toBe(0);
  });
});
