// One case of the bad-input corpus, and the pieces the corpus files build cases from.
import type { HostileImages } from './bad-input-images.js';
import type { MultipartOptions, Part } from './hostile-http.js';

export type { HostileImages, MultipartOptions, Part };

export interface BadCase {
  name: string;
  method?: string;
  path: string;
  /** Who sends it (default: the test user's API key). */
  auth?: 'key' | 'jwt' | 'none';
  headers?: Record<string, string>;
  /** A JSON body, or a function of the images returning one (serialised; Content-Type application/json unless `contentType`). */
  json?: unknown;
  /** A body sent as these exact characters. */
  text?: string;
  contentType?: string;
  form?: (img: HostileImages) => { parts: Part[]; opts?: MultipartOptions };
  /** Written on a raw socket: the request line and headers (`{path}`, `{auth}` filled in) and a body. */
  raw?: { head: string; body?: string };
  /** The status and error name it must get (name optional where several are right). */
  expect: { status: number; name?: string };
}
export const GEN = '/api/generations';
export const T2I = '/v1/generation/{engine}/text-to-image';
export const I2I = '/v1/generation/{engine}/image-to-image';
export const MASK = '/v1/generation/{engine}/image-to-image/masking';
export const valid = { engine: '{engine}', prompt: 'a lighthouse', steps: 3 };
export const v1 = { text_prompts: [{ text: 'a lighthouse' }], width: 128, height: 128, steps: 10 };
export const bad = (name = 'invalid_request') => ({ status: 400, name });
export const v1bad = (name = 'bad_request') => ({ status: 400, name });
export const b64 = (bytes: Buffer) => bytes.toString('base64');
export const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
export const prompt = (text = 'a lighthouse'): Part => ({ name: 'text_prompts[0][text]', data: text });
export const file = (name: string, data: Buffer, type = 'image/png'): Part => ({
  name,
  data,
  filename: `${name}.png`,
  type,
});
