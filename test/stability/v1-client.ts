// A Stability v1 client for the tests, building requests the way Stability's published examples do
// (generated/spec/v1.json x-codeSamples): JSON for text-to-image, multipart form fields for the image routes.
import type { Reply } from '../support/app.js';

export interface V1Artifacts {
  artifacts: Array<{ base64: string; seed: number; finishReason: string }>;
}

export interface V1Options {
  /** Sent as `Authorization: Bearer <key>` unless `bare` (old examples send the key alone). */
  key?: string;
  bare?: boolean;
  accept?: 'application/json' | 'image/png';
}

function headers(opts: V1Options): Record<string, string> {
  const h: Record<string, string> = { Accept: opts.accept ?? 'application/json' };
  if (opts.key) h.Authorization = opts.bare ? opts.key : `Bearer ${opts.key}`;
  return h;
}

async function read<T>(response: Response): Promise<Reply<T> & { bytes: Buffer }> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const isJson = response.headers.get('content-type')?.includes('json') ?? false;
  const body = (isJson ? JSON.parse(bytes.toString('utf8')) : bytes) as T;
  return { status: response.status, headers: response.headers, body, bytes };
}

/** The spec's text-to-image example body ("A lighthouse on a cliff"), with the given fields replaced. */
export function lighthouse(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    text_prompts: [{ text: 'A lighthouse on a cliff' }],
    cfg_scale: 7,
    clip_guidance_preset: 'FAST_BLUE',
    height: 512,
    width: 512,
    samples: 1,
    steps: 30,
    ...overrides,
  };
}

export async function textToImage<T = V1Artifacts>(
  base: string,
  engine: string,
  body: unknown,
  opts: V1Options = {},
): Promise<Reply<T> & { bytes: Buffer }> {
  const response = await fetch(`${base}/v1/generation/${engine}/text-to-image`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers(opts) },
    body: JSON.stringify(body),
  });
  return read<T>(response);
}

export type FormValue = string | number | Buffer;

/** multipart/form-data, as `formData.append(name, value)` / requests' `files=` + `data=` build it. */
export async function postForm<T = V1Artifacts>(
  base: string,
  route: string,
  fields: Record<string, FormValue>,
  opts: V1Options = {},
): Promise<Reply<T> & { bytes: Buffer }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (Buffer.isBuffer(value))
      form.append(name, new Blob([new Uint8Array(value)], { type: 'image/png' }), `${name}.png`);
    else form.append(name, String(value));
  }
  const response = await fetch(`${base}${route}`, { method: 'POST', headers: headers(opts), body: form });
  return read<T>(response);
}
