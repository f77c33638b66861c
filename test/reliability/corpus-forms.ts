// Bad input, part 2: multipart bodies (native and Stability v1) and Stability v1 JSON.
import {
  GEN,
  I2I,
  MASK,
  T2I,
  b64,
  bad,
  file,
  nested,
  prompt,
  v1,
  v1bad,
  type BadCase,
  type HostileImages,
  type MultipartOptions,
  type Part,
} from './bad-input-case.js';

/** Native multipart. */
const nativeForms: Array<[string, (img: HostileImages) => { parts: Part[]; opts?: MultipartOptions }]> = [
  [
    'initImage sent as a text field',
    (i) => ({
      parts: [
        { name: 'engine', data: '{engine}' },
        { name: 'prompt', data: 'x' },
        { name: 'mode', data: 'image-to-image' },
        { name: 'initImage', data: b64(i.png64) },
      ],
    }),
  ],
  [
    'an unknown file field',
    (i) => ({
      parts: [{ name: 'engine', data: '{engine}' }, { name: 'prompt', data: 'x' }, file('image', i.png64)],
    }),
  ],
  [
    'a non-image initImage file',
    (i) => ({
      parts: [
        { name: 'engine', data: '{engine}' },
        { name: 'prompt', data: 'x' },
        { name: 'mode', data: 'image-to-image' },
        file('initImage', i.text, 'text/plain'),
      ],
    }),
  ],
  [
    'a zero-size initImage file',
    (i) => ({
      parts: [
        { name: 'engine', data: '{engine}' },
        { name: 'prompt', data: 'x' },
        { name: 'mode', data: 'image-to-image' },
        file('initImage', i.empty),
      ],
    }),
  ],
  [
    'an initImage bomb file',
    (i) => ({
      parts: [
        { name: 'engine', data: '{engine}' },
        { name: 'prompt', data: 'x' },
        { name: 'mode', data: 'image-to-image' },
        file('initImage', i.bomb20k),
      ],
    }),
  ],
  [
    'steps as words',
    () => ({
      parts: [
        { name: 'engine', data: '{engine}' },
        { name: 'prompt', data: 'x' },
        { name: 'steps', data: 'three' },
      ],
    }),
  ],
  [
    'outpaint that is not JSON',
    () => ({
      parts: [
        { name: 'engine', data: '{engine}' },
        { name: 'prompt', data: 'x' },
        { name: 'outpaint', data: '{left: 64' },
      ],
    }),
  ],
  [
    'an unknown text field',
    () => ({
      parts: [
        { name: 'engine', data: '{engine}' },
        { name: 'prompt', data: 'x' },
        { name: 'credits', data: '99' },
      ],
    }),
  ],
  [
    'a truncated body',
    (i) => ({
      parts: [
        { name: 'engine', data: '{engine}' },
        { name: 'prompt', data: 'x' },
        file('initImage', i.png64),
      ],
      opts: { truncateAt: 300 },
    }),
  ],
  [
    'no closing boundary',
    () => ({
      parts: [
        { name: 'engine', data: '{engine}' },
        { name: 'prompt', data: 'x' },
      ],
      opts: { unterminated: true },
    }),
  ],
  [
    'three image files',
    (i) => ({
      parts: [
        { name: 'engine', data: '{engine}' },
        { name: 'prompt', data: 'x' },
        file('initImage', i.png64),
        file('mask', i.mask64),
        file('initImage', i.png64),
      ],
    }),
  ],
  ['no fields at all', () => ({ parts: [] })],
];
export const nativeFormCases: BadCase[] = nativeForms.map(([name, form]) => ({
  name: `native multipart: ${name}`,
  path: GEN,
  form,
  expect: bad(),
}));

/** Stability v1 text-to-image JSON. */
const v1Values: Array<[string, Record<string, unknown>]> = [
  ['text_prompts is a string', { text_prompts: 'a lighthouse' }],
  ['text_prompts is empty', { text_prompts: [] }],
  ['a prompt without text', { text_prompts: [{ weight: 1 }] }],
  ['a prompt text that is a number', { text_prompts: [{ text: 7 }] }],
  ['a prompt weight that is a word', { text_prompts: [{ text: 'x', weight: 'heavy' }] }],
  ['a prompt holding NUL', { text_prompts: [{ text: 'a\u0000b' }] }],
  ['a prompt holding a lone surrogate', { text_prompts: [{ text: 'a\udc00b' }] }],
  ['height is "abc"', { height: 'abc' }],
  ['width is 129', { width: 129 }],
  ['width is -128', { width: -128 }],
  ['steps is 1e400 (Infinity)', { steps: 'Infinity' }],
  ['samples is 0', { samples: 0 }],
  ['cfg_scale is "NaN"', { cfg_scale: 'NaN' }],
  ['seed is 2^32', { seed: 4294967296 }],
  ['sampler is unknown', { sampler: 'K_TURBO' }],
  ['style_preset is unknown', { style_preset: 'watercolour-ish' }],
  ['clip_guidance_preset is unknown', { clip_guidance_preset: 'SLOWEST_RED' }],
  ['extras is a string', { extras: 'x' }],
];
export const v1Cases: BadCase[] = [
  ...v1Values.map(([name, patch]) => ({
    name: `v1 json: ${name}`,
    path: T2I,
    json: { ...v1, ...patch },
    expect: v1bad(/width|height/.test(name) ? 'invalid_height_or_width' : 'bad_request'),
  })),
  { name: 'v1 json: malformed', path: T2I, text: '{"text_prompts": [', expect: v1bad() },
  { name: 'v1 json: a JSON array', path: T2I, text: '[]', expect: v1bad() },
  { name: 'v1 json: deep nesting', path: T2I, text: `{"text_prompts": ${nested(50_000)}}`, expect: v1bad() },
  {
    name: 'v1 json: an engine id holding NUL',
    path: '/v1/generation/x%00y/text-to-image',
    json: v1,
    expect: { status: 404, name: 'not_found' },
  },
  {
    name: 'v1 json: an engine id of 300 characters',
    path: `/v1/generation/${'e'.repeat(300)}/text-to-image`,
    json: v1,
    expect: v1bad(),
  },
  {
    name: 'v1 json: samples 2 with Accept image/png',
    path: T2I,
    json: { ...v1, samples: 2 },
    headers: { accept: 'image/png' },
    expect: v1bad('invalid_samples'),
  },
];

/** Stability v1 multipart (image-to-image and masking). */
const v1Form = (
  route: string,
  name: string,
  form: (i: HostileImages) => { parts: Part[]; opts?: MultipartOptions },
  expect = v1bad(),
): BadCase => ({
  name: `v1 multipart ${route === I2I ? 'image-to-image' : 'masking'}: ${name}`,
  path: route,
  form,
  expect,
});
export const v1FormCases: BadCase[] = [
  v1Form(I2I, 'no init_image', () => ({ parts: [prompt()] })),
  v1Form(I2I, 'init_image as a text field', (i) => ({
    parts: [prompt(), { name: 'init_image', data: b64(i.png64) }],
  })),
  v1Form(I2I, 'the image under another name', (i) => ({ parts: [prompt(), file('image', i.png64)] })),
  v1Form(I2I, 'three files', (i) => ({
    parts: [prompt(), file('init_image', i.png64), file('init_image', i.png64), file('init_image', i.png64)],
  })),
  v1Form(I2I, 'a truncated boundary', (i) => ({
    parts: [prompt(), file('init_image', i.png64)],
    opts: { truncateAt: 250 },
  })),
  v1Form(I2I, 'no closing boundary', (i) => ({
    parts: [prompt(), file('init_image', i.png64)],
    opts: { unterminated: true },
  })),
  v1Form(
    I2I,
    'a non-image file',
    (i) => ({ parts: [prompt(), file('init_image', i.text, 'text/plain')] }),
    v1bad('invalid_mime_type'),
  ),
  v1Form(
    I2I,
    'a zero-size file',
    (i) => ({ parts: [prompt(), file('init_image', i.empty)] }),
    v1bad('invalid_file_size'),
  ),
  v1Form(I2I, 'a truncated PNG', (i) => ({ parts: [prompt(), file('init_image', i.truncatedPng)] })),
  v1Form(I2I, 'a corrupt PNG', (i) => ({ parts: [prompt(), file('init_image', i.corruptPng)] })),
  v1Form(I2I, 'only a PNG header', (i) => ({ parts: [prompt(), file('init_image', i.headerOnlyPng)] })),
  v1Form(I2I, 'a truncated JPEG', (i) => ({
    parts: [prompt(), file('init_image', i.truncatedJpeg, 'image/jpeg')],
  })),
  v1Form(
    I2I,
    'a GIF',
    (i) => ({ parts: [prompt(), file('init_image', i.gif, 'image/gif')] }),
    v1bad('invalid_mime_type'),
  ),
  v1Form(
    I2I,
    'an SVG bomb',
    (i) => ({ parts: [prompt(), file('init_image', i.svgBomb, 'image/svg+xml')] }),
    v1bad('invalid_mime_type'),
  ),
  v1Form(
    I2I,
    'a 65536² bomb',
    (i) => ({ parts: [prompt(), file('init_image', i.bomb65536)] }),
    v1bad('invalid_pixel_count'),
  ),
  v1Form(I2I, 'a 2147483647×1 bomb', (i) => ({ parts: [prompt(), file('init_image', i.bombWide)] })),
  v1Form(
    I2I,
    'a 1×1 image',
    (i) => ({ parts: [prompt(), file('init_image', i.png1x1)] }),
    v1bad('invalid_height_or_width'),
  ),
  v1Form(I2I, 'image_strength is a word', (i) => ({
    parts: [prompt(), file('init_image', i.png64), { name: 'image_strength', data: 'strong' }],
  })),
  v1Form(I2I, 'init_image_mode is unknown', (i) => ({
    parts: [prompt(), file('init_image', i.png64), { name: 'init_image_mode', data: 'NOISE' }],
  })),
  v1Form(I2I, 'step_schedule_start is 2', (i) => ({
    parts: [
      prompt(),
      file('init_image', i.png64),
      { name: 'init_image_mode', data: 'STEP_SCHEDULE' },
      { name: 'step_schedule_start', data: '2' },
    ],
  })),
  v1Form(I2I, 'a prompt weight that is a word', (i) => ({
    parts: [prompt(), { name: 'text_prompts[0][weight]', data: 'heavy' }, file('init_image', i.png64)],
  })),
  v1Form(I2I, 'no prompt', (i) => ({ parts: [file('init_image', i.png64)] })),
  v1Form(I2I, 'a prompt holding NUL', (i) => ({ parts: [prompt('a\u0000b'), file('init_image', i.png64)] })),
  v1Form(I2I, 'steps is a word', (i) => ({
    parts: [prompt(), file('init_image', i.png64), { name: 'steps', data: 'many' }],
  })),
  v1Form(MASK, 'no mask_source', (i) => ({
    parts: [prompt(), file('init_image', i.png64), file('mask_image', i.mask64)],
  })),
  v1Form(MASK, 'mask_source is unknown', (i) => ({
    parts: [
      prompt(),
      file('init_image', i.png64),
      file('mask_image', i.mask64),
      { name: 'mask_source', data: 'MASK_IMAGE_GREY' },
    ],
  })),
  v1Form(
    MASK,
    'a mask of another size',
    (i) => ({
      parts: [
        prompt(),
        file('init_image', i.png64),
        file('mask_image', i.mask128x64),
        { name: 'mask_source', data: 'MASK_IMAGE_WHITE' },
      ],
    }),
    v1bad('invalid_image_dimensions'),
  ),
  v1Form(
    MASK,
    'a mask that is text',
    (i) => ({
      parts: [
        prompt(),
        file('init_image', i.png64),
        file('mask_image', i.text, 'text/plain'),
        { name: 'mask_source', data: 'MASK_IMAGE_WHITE' },
      ],
    }),
    v1bad('invalid_mime_type'),
  ),
  v1Form(MASK, 'a corrupt mask', (i) => ({
    parts: [
      prompt(),
      file('init_image', i.png64),
      file('mask_image', i.corruptPng),
      { name: 'mask_source', data: 'MASK_IMAGE_BLACK' },
    ],
  })),
  v1Form(
    MASK,
    'a mask bomb',
    (i) => ({
      parts: [
        prompt(),
        file('init_image', i.png64),
        file('mask_image', i.bomb65536),
        { name: 'mask_source', data: 'MASK_IMAGE_WHITE' },
      ],
    }),
    v1bad('invalid_pixel_count'),
  ),
  v1Form(
    MASK,
    'no mask image for MASK_IMAGE_WHITE',
    (i) => ({
      parts: [prompt(), file('init_image', i.png64), { name: 'mask_source', data: 'MASK_IMAGE_WHITE' }],
    }),
    v1bad('invalid_mask_image'),
  ),
  v1Form(
    MASK,
    'INIT_IMAGE_ALPHA with an opaque image',
    (i) => ({
      parts: [prompt(), file('init_image', i.png64), { name: 'mask_source', data: 'INIT_IMAGE_ALPHA' }],
    }),
    v1bad('invalid_mask_image'),
  ),
  v1Form(MASK, 'no init_image, only a mask', (i) => ({
    parts: [prompt(), file('mask_image', i.mask64), { name: 'mask_source', data: 'MASK_IMAGE_WHITE' }],
  })),
  v1Form(MASK, 'mask_image as a text field', (i) => ({
    parts: [
      prompt(),
      file('init_image', i.png64Alpha),
      { name: 'mask_image', data: 'white' },
      { name: 'mask_source', data: 'MASK_IMAGE_WHITE' },
    ],
  })),
];
