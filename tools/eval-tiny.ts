/**
 * npm run eval:tiny — quality of the easel-tiny model through the real pipeline: held-out captions
 * (colour/shape/position combinations never drawn in training, listed in models/easel-tiny/eval-cases.json),
 * fixed seeds, 20 steps, the engine's default cfg; judges the pixels and prints the table.
 *
 * Judge (same rules as tools/easel-tiny/judge.py): background = most common nearest named colour of the
 * border pixels; shape pixels = nearest colour not the background's and > 60 RGB away from it; shape colour
 * = their most common nearest colour; position = their centroid's nearest anchor.
 *
 * Options: --sampler dpmpp_2m|euler (default dpmpp_2m), --cfg N, --steps N, --limit N (first N cases),
 * --model DIR (default models/easel-tiny), --threads N (default 2).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { StableDiffusionPipeline } from '@easel/diffusion';

export interface EvalCase {
  caption: string;
  bg: string;
  colour: string;
  shape: string;
  pos: string;
  size: string;
  seed: number;
}
export interface EvalFile {
  palette: Record<string, [number, number, number]>;
  anchors: Record<string, [number, number]>;
  cases: EvalCase[];
}
export interface Verdict {
  bg: string;
  colour: string | null;
  pos: string | null;
}

const MIN_SHAPE_PIXELS = 12;
const FAR_FROM_BACKGROUND = 60;
const TARGETS = { bg: 0.95, colour: 0.85, pos: 0.8 } as const;

/** Judges one RGB8 picture (`width`·`height`·3 bytes). */
export function judge(rgb: Uint8Array, width: number, height: number, spec: EvalFile): Verdict {
  const names = Object.keys(spec.palette);
  const colours = names.map((n) => spec.palette[n]);
  const labels = new Uint8Array(width * height);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let k = 0; k < colours.length; k++) {
      const [r, g, b] = colours[k];
      const d = (rgb[3 * i] - r) ** 2 + (rgb[3 * i + 1] - g) ** 2 + (rgb[3 * i + 2] - b) ** 2;
      if (d < bestD) [best, bestD] = [k, d];
    }
    labels[i] = best;
  }
  const borderCounts = new Array<number>(names.length).fill(0);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (y === 0 || y === height - 1 || x === 0 || x === width - 1) borderCounts[labels[y * width + x]]++;
  const bg = argmax(borderCounts);
  const [br, bgG, bb] = colours[bg];
  const counts = new Array<number>(names.length).fill(0);
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < labels.length; i++) {
    const far = Math.hypot(rgb[3 * i] - br, rgb[3 * i + 1] - bgG, rgb[3 * i + 2] - bb) > FAR_FROM_BACKGROUND;
    if (labels[i] === bg || !far) continue;
    counts[labels[i]]++;
    n++;
    sx += (i % width) + 0.5;
    sy += Math.floor(i / width) + 0.5;
  }
  if (n < MIN_SHAPE_PIXELS) return { bg: names[bg], colour: null, pos: null };
  const [cx, cy] = [sx / n, sy / n];
  let pos = '';
  let posD = Infinity;
  for (const [name, [ax, ay]] of Object.entries(spec.anchors)) {
    const d = (ax - cx) ** 2 + (ay - cy) ** 2;
    if (d < posD) [pos, posD] = [name, d];
  }
  return { bg: names[bg], colour: names[argmax(counts)], pos };
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** RGB8 pixels of a PNG. */
async function pixels(png: Uint8Array): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height };
}

/** The same caption on another background colour (the colour word occurs once: shape colour ≠ background). */
export function recolourCaption(caption: string, from: string, to: string): string {
  const article = /^[aeiou]/.test(to) ? 'an' : 'a';
  const withArticle = new RegExp(`\\b(?:a|an) ${from}\\b`);
  return withArticle.test(caption)
    ? caption.replace(withArticle, `${article} ${to}`)
    : caption.replace(new RegExp(`\\b${from}\\b`), to);
}

/** White 32×32 square in the centre of a black 64×64 mask (white = repaint). */
async function centreMask(): Promise<Uint8Array> {
  const m = new Uint8Array(64 * 64);
  for (let y = 16; y < 48; y++) m.fill(255, y * 64 + 16, y * 64 + 48);
  return new Uint8Array(
    await sharp(m, { raw: { width: 64, height: 64, channels: 1 } })
      .png()
      .toBuffer(),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/easel-tiny' },
      sampler: { type: 'string', default: 'dpmpp_2m' },
      cfg: { type: 'string' },
      steps: { type: 'string', default: '20' },
      limit: { type: 'string' },
      threads: { type: 'string', default: '2' },
      'no-edits': { type: 'boolean', default: false },
    },
  });
  const dir = path.resolve(values.model);
  const spec = JSON.parse(await readFile(path.join(dir, 'eval-cases.json'), 'utf8')) as EvalFile;
  const engine = JSON.parse(await readFile(path.join(dir, 'easel.json'), 'utf8')) as {
    defaultCfgScale: number;
  };
  const names = Object.keys(spec.palette);
  const common = {
    width: 64,
    height: 64,
    steps: Number(values.steps),
    cfgScale: values.cfg === undefined ? engine.defaultCfgScale : Number(values.cfg),
    sampler: values.sampler,
  };
  const cases = spec.cases.slice(0, values.limit === undefined ? undefined : Number(values.limit));
  const pipeline = await StableDiffusionPipeline.fromModelDir(dir, {
    intraOpNumThreads: Number(values.threads),
  });
  const hits = { bg: 0, colour: 0, pos: 0 };
  // Every 4th case is also edited: background recoloured by image-to-image (strength 0.8), and a square of
  // another colour inpainted into the masked centre.
  const edits = { n: 0, recolourBg: 0, recolourKeepsShape: 0, inpaintColour: 0 };
  const mask = await centreMask();
  const started = performance.now();
  let t2iMs = 0;
  try {
    for (const [i, c] of cases.entries()) {
      const t0 = performance.now();
      const { images } = await pipeline.run({ ...common, prompt: c.caption, seed: c.seed });
      t2iMs += performance.now() - t0;
      const img = await pixels(images[0].png);
      const v = judge(img.rgb, img.width, img.height, spec);
      hits.bg += Number(v.bg === c.bg);
      hits.colour += Number(v.colour === c.colour);
      hits.pos += Number(v.pos === c.pos);
      if (values['no-edits'] || i % 4 !== 0) continue;
      edits.n++;
      const others = names.filter((n) => n !== c.bg && n !== c.colour);
      const newBg = others[i % others.length];
      const recoloured = await pipeline.run({
        ...common,
        prompt: recolourCaption(c.caption, c.bg, newBg),
        initImage: images[0].png,
        strength: 0.8,
        seed: c.seed,
      });
      const r = await pixels(recoloured.images[0].png);
      const rv = judge(r.rgb, r.width, r.height, spec);
      edits.recolourBg += Number(rv.bg === newBg);
      edits.recolourKeepsShape += Number(rv.colour === c.colour);
      const square = names.filter((n) => n !== c.bg && n !== c.colour)[(i + 3) % others.length];
      const article = /^[aeiou]/.test(c.bg) ? 'an' : 'a';
      const inpainted = await pipeline.run({
        ...common,
        prompt: `a large ${square} square in the center on ${article} ${c.bg} background`,
        initImage: images[0].png,
        maskImage: mask,
        seed: c.seed,
      });
      const p = await pixels(inpainted.images[0].png);
      let inSquare = 0;
      for (let y = 24; y < 40; y++)
        for (let x = 24; x < 40; x++) {
          const k = y * 64 + x;
          const one = judge(p.rgb.subarray(3 * k, 3 * k + 3), 1, 1, spec); // a 1×1 "picture": its nearest colour
          inSquare += Number(one.bg === square);
        }
      edits.inpaintColour += Number(inSquare >= 0.5 * 16 * 16);
    }
  } finally {
    await pipeline.release();
  }
  const seconds = (performance.now() - started) / 1000;
  const pct = (k: keyof typeof hits) => ((100 * hits[k]) / cases.length).toFixed(1);
  const ok = (k: keyof typeof hits) => (hits[k] / cases.length >= TARGETS[k] ? 'met' : 'NOT met');
  const epct = (k: Exclude<keyof typeof edits, 'n'>) => ((100 * edits[k]) / Math.max(1, edits.n)).toFixed(1);
  console.log(
    `easel-tiny, ${cases.length} held-out captions, ${common.sampler}, ${common.steps} steps, cfg ${common.cfgScale}`,
  );
  console.log('| check | right | target | |');
  console.log('|---|---|---|---|');
  console.log(`| background colour | ${pct('bg')}% | ≥ 95% | ${ok('bg')} |`);
  console.log(`| shape colour | ${pct('colour')}% | ≥ 85% | ${ok('colour')} |`);
  console.log(`| shape position | ${pct('pos')}% | ≥ 80% | ${ok('pos')} |`);
  if (edits.n > 0) {
    console.log(`| image-to-image: background recoloured (${edits.n}) | ${epct('recolourBg')}% | | |`);
    console.log(`| image-to-image: shape colour kept (${edits.n}) | ${epct('recolourKeepsShape')}% | | |`);
    console.log(`| inpainting: centre square colour (${edits.n}) | ${epct('inpaintColour')}% | | |`);
  }
  console.log(
    `${seconds.toFixed(1)} s in all; text-to-image ${(t2iMs / cases.length).toFixed(0)} ms per 64×64 image`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
