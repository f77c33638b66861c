// fast-check arbitraries for request bodies: arbitrary JSON, and near-valid bodies where a valid one has one to
// three fields replaced, dropped or added. Values that drive the price or the work (sizes, steps, samples) are
// drawn from boundary sets whose valid members are cheap, so a body that happens to be valid runs in moments.
import {
  GENERATION_MODES,
  MASK_SOURCES,
  SAMPLERS,
  STABILITY_SAMPLER_NAMES,
  STABILITY_STYLE_PRESETS,
} from '@easel/contracts';
import fc from 'fast-check';

/** Anything a JSON parser can return, strings with any code point (NUL and lone surrogates included). */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });

/** Characters that break text handling: NUL, lone surrogates, bidi overrides, zero-width, astral, quotes. */
const hostileChar = fc.constantFrom(
  'a',
  'Z',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e',
  '\u200b',
  'é',
  '😀',
  '\n',
  '"',
  '\\',
);
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: hostileChar, minLength: 1, maxLength: 12 }) },
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-0', '1e400', '__proto__', 'null'),
  fc.string({ minLength: 1990, maxLength: 2010 }),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, -0, 0.5, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e308, -1e308),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
/** A value of any kind for a field that expects something else. */
const wrongValue = fc.oneof(hostileString, hostileNumber, anyJson, fc.constant(null), fc.boolean());

/** Cheap valid sizes among invalid ones (the test engine: 64 native, 512 max side, 512·384 max pixels). */
const sizeValue = fc.oneof(fc.constantFrom(64, 128, 0, -64, 63, 65, 100, 576, 4096, 1e9, 64.5), wrongValue);
const stepsValue = fc.oneof(fc.constantFrom(1, 2, 3, 4, 0, -1, 151, 1e6, 2.5), wrongValue);
const samplesValue = fc.oneof(fc.constantFrom(1, 2, 0, -1, 11, 1e6, 1.5), wrongValue);

export type Mutation = { kind: 'set'; field: string; value: unknown } | { kind: 'drop'; field: string };

function mutations(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Mutation[]> {
  const names = Object.keys(fields);
  const set = fc
    .constantFrom(...names)
    .chain((field) => fields[field].map((value): Mutation => ({ kind: 'set', field, value })));
  const drop = fc.constantFrom(...names).map((field): Mutation => ({ kind: 'drop', field }));
  const extra = fc
    .tuple(
      fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'cost', 'userId')),
      anyJson,
    )
    .map(([field, value]): Mutation => ({ kind: 'set', field, value }));
  return fc.array(fc.oneof({ weight: 6, arbitrary: set }, drop, extra), { minLength: 1, maxLength: 3 });
}

/** Applies mutations as own properties (a `__proto__` key becomes a real key, as JSON.parse would make it). */
export function mutate(base: Record<string, unknown>, changes: Mutation[]): Record<string, unknown> {
  const body: Record<string, unknown> = { ...base };
  for (const change of changes) {
    if (change.kind === 'drop') delete body[change.field];
    else
      Object.defineProperty(body, change.field, {
        value: change.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return body;
}

/** POST /api/generations: a valid body, and what may replace each of its fields. */
export function nativeBodies(engine: string): fc.Arbitrary<unknown> {
  const base = { engine, prompt: 'a lighthouse', steps: 3 };
  const fields: Record<string, fc.Arbitrary<unknown>> = {
    engine: fc.oneof(fc.constant(engine), hostileString, wrongValue),
    prompt: fc.oneof(hostileString, wrongValue),
    negativePrompt: fc.oneof(hostileString, wrongValue),
    mode: fc.oneof(fc.constantFrom(...GENERATION_MODES), hostileString),
    width: sizeValue,
    height: sizeValue,
    steps: stepsValue,
    samples: samplesValue,
    cfgScale: fc.oneof(fc.constantFrom(0, 7, 35, 36, -1), wrongValue),
    sampler: fc.oneof(fc.constantFrom(...SAMPLERS), hostileString),
    seed: fc.oneof(fc.constantFrom(0, 1, 4294967295, 4294967296, -1), wrongValue),
    strength: fc.oneof(fc.constantFrom(0, 0.5, 1, 1.5), wrongValue),
    maskSource: fc.oneof(fc.constantFrom(...MASK_SOURCES), hostileString),
    initImage: fc.oneof(hostileString, fc.base64String({ maxLength: 64 }), wrongValue),
    mask: fc.oneof(hostileString, fc.base64String({ maxLength: 64 }), wrongValue),
    outpaint: fc.oneof(
      fc.record(
        { left: fc.constantFrom(0, 64, 10, -64), top: fc.constantFrom(0, 64, 1e9) },
        { requiredKeys: [] },
      ),
      wrongValue,
    ),
    interpolation: fc.oneof(
      fc.record({ frames: fc.constantFrom(2, 3, 0, 61), toPrompt: hostileString }),
      wrongValue,
    ),
    webhookUrl: fc.oneof(
      fc.webUrl(),
      hostileString,
      fc.constantFrom('ftp://x.test/', 'http://[::1]/', 'javascript:1'),
    ),
    preview: fc.oneof(fc.boolean(), wrongValue),
  };
  return fc.oneof(
    anyJson,
    mutations(fields).map((m) => mutate(base, m)),
  );
}

/** POST /v1/generation/{engine}/text-to-image. */
export function v1TextBodies(): fc.Arbitrary<unknown> {
  const base = { text_prompts: [{ text: 'a lighthouse' }], width: 128, height: 128, steps: 10 };
  const prompt = fc.record(
    { text: fc.oneof(hostileString, wrongValue), weight: fc.oneof(hostileNumber, wrongValue) },
    {
      requiredKeys: [],
    },
  );
  const fields: Record<string, fc.Arbitrary<unknown>> = {
    text_prompts: fc.oneof(fc.array(prompt, { maxLength: 3 }), wrongValue),
    width: fc.oneof(fc.constantFrom(128, 192, 0, 129, 64, 4096), wrongValue),
    height: fc.oneof(fc.constantFrom(128, 192, 0, 129, 64, 4096), wrongValue),
    steps: fc.oneof(fc.constantFrom(10, 11, 9, 151, '10', 'ten'), wrongValue),
    samples: fc.oneof(fc.constantFrom(1, 2, 0, 11, '1'), wrongValue),
    cfg_scale: fc.oneof(fc.constantFrom(0, 7, 35, 36, '7'), wrongValue),
    seed: fc.oneof(fc.constantFrom(0, 1, 4294967295, 4294967296, '5'), wrongValue),
    sampler: fc.oneof(fc.constantFrom(...STABILITY_SAMPLER_NAMES), hostileString),
    style_preset: fc.oneof(fc.constantFrom(...STABILITY_STYLE_PRESETS), hostileString),
    clip_guidance_preset: fc.oneof(fc.constantFrom('NONE', 'FAST_BLUE', 'SLOWEST'), hostileString),
    extras: wrongValue,
  };
  return fc.oneof(
    anyJson,
    mutations(fields).map((m) => mutate(base, m)),
  );
}

/** Text fields of a v1 multipart form: the known names with hostile values, and unknown names. */
export function v1FormFields(masking: boolean): fc.Arbitrary<Array<[string, string]>> {
  const textValue = fc.oneof(
    fc.constantFrom(
      '0',
      '1',
      '0.35',
      '10',
      '12',
      '-1',
      '1e400',
      'NaN',
      '',
      'IMAGE_STRENGTH',
      'STEP_SCHEDULE',
    ),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
  const names = [
    'text_prompts[0][text]',
    'text_prompts[0][weight]',
    'text_prompts[1][text]',
    'init_image_mode',
    'image_strength',
    'step_schedule_start',
    'step_schedule_end',
    'cfg_scale',
    'samples',
    'seed',
    'sampler',
    'steps',
    ...(masking ? ['mask_source'] : []),
  ];
  const field = fc.tuple(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...names) }, fc.string({ maxLength: 20 })),
    fc.oneof(textValue, ...(masking ? [fc.constantFrom(...MASK_SOURCES)] : [])),
  );
  return fc
    .array(field, { maxLength: 3 })
    .map((fields) => [
      ['text_prompts[0][text]', 'a lighthouse'] as [string, string],
      ['steps', '10'] as [string, string],
      ...(masking ? [['mask_source', 'MASK_IMAGE_WHITE'] as [string, string]] : []),
      ...fields,
    ]);
}
