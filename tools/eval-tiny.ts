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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/easel-tiny' },
      sampler: { type: 'string', default: 'dpmpp_2m' },
      cfg: { type: 'string' },
      steps: { type: 'string', default: '20' },
      limit: { type: 'string' },
      threads: { type: 'string', default: '2' },
    },
  });
  const dir = path.resolve(values.model);
  const spec = JSON.parse(await readFile(path.join(dir, 'eval-cases.json'), 'utf8')) as EvalFile;
  const engine = JSON.parse(await readFile(path.join(dir, 'easel.json'), 'utf8')) as {
    defaultGuidance: number;
  };
  const cfgScale = values.cfg === undefined ? engine.defaultGuidance : Number(values.cfg);
  const steps = Number(values.steps);
  const cases = spec.cases.slice(0, values.limit === undefined ? undefined : Number(values.limit));
  const pipeline = await StableDiffusionPipeline.fromModelDir(dir, {
    intraOpNumThreads: Number(values.threads),
    limits: { defaultWidth: 64, defaultHeight: 64 },
  });
  const hits = { bg: 0, colour: 0, pos: 0 };
  const started = performance.now();
  try {
    for (const c of cases) {
      const result = await pipeline.run({
        prompt: c.caption,
        width: 64,
        height: 64,
        steps,
        cfgScale,
        sampler: values.sampler,
        seed: c.seed,
      });
      const { data, info } = await sharp(result.images[0].png)
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const v = judge(new Uint8Array(data), info.width, info.height, spec);
      hits.bg += Number(v.bg === c.bg);
      hits.colour += Number(v.colour === c.colour);
      hits.pos += Number(v.pos === c.pos);
    }
  } finally {
    await pipeline.release();
  }
  const seconds = (performance.now() - started) / 1000;
  const pct = (k: keyof typeof hits) => ((100 * hits[k]) / cases.length).toFixed(1);
  const ok = (k: keyof typeof hits) => (hits[k] / cases.length >= TARGETS[k] ? 'met' : 'NOT met');
  console.log(
    `easel-tiny, ${cases.length} held-out captions, ${values.sampler}, ${steps} steps, cfg ${cfgScale}`,
  );
  console.log('| check | right | target | |');
  console.log('|---|---|---|---|');
  console.log(`| background colour | ${pct('bg')}% | ≥ 95% | ${ok('bg')} |`);
  console.log(`| shape colour | ${pct('colour')}% | ≥ 85% | ${ok('colour')} |`);
  console.log(`| shape position | ${pct('pos')}% | ≥ 80% | ${ok('pos')} |`);
  console.log(`${seconds.toFixed(1)} s in all, ${((1000 * seconds) / cases.length).toFixed(0)} ms per image`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
