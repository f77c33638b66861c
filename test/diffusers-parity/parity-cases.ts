/**
 * The diffusers parity fixtures (test/fixtures/diffusers-parity): cases as `easel-diffuse generate` arguments with
 * the picture diffusers made for them, and the pixel comparison the suite applies.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { fixturePath } from '../support/fixtures.js';

export interface ParityCase {
  id: string;
  model: string;
  /** `easel-diffuse generate` arguments; input paths are relative to the fixture folder. */
  args: string[];
  reference: string;
  /** Largest allowed difference of any channel of any pixel, 0..255. */
  tolerance: number;
  compare: 'whole-image' | 'paste-back';
  reference_source: string;
}

export const PARITY_DIR = fixturePath('diffusers-parity');

export const parityCases: readonly ParityCase[] = JSON.parse(
  readFileSync(fixturePath('diffusers-parity', 'cases.json'), 'utf8'),
) as ParityCase[];

/** The case's arguments with the model folder and input paths made absolute. */
export function caseArgs(c: ParityCase): string[] {
  const args = c.args.map((a) => (a.startsWith('inputs/') ? fixturePath('diffusers-parity', a) : a));
  return ['--model', fixturePath('diffusers-parity', c.model), ...args];
}

export async function rgbPixels(
  png: Uint8Array | string,
): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Largest per-channel difference between two pictures of the same size (0..255). */
export async function maxPixelDiff(a: Uint8Array | string, b: Uint8Array | string): Promise<number> {
  const [pa, pb] = await Promise.all([rgbPixels(a), rgbPixels(b)]);
  if (pa.width !== pb.width || pa.height !== pb.height) {
    throw new Error(`sizes differ: ${pa.width}x${pa.height} vs ${pb.width}x${pb.height}`);
  }
  let max = 0;
  for (let i = 0; i < pa.data.length; i++) max = Math.max(max, Math.abs(pa.data[i] - pb.data[i]));
  return max;
}
