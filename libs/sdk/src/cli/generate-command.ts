// `easel generate "prompt" [flags] -o out.png`: create, follow the event stream with a progress bar, save.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Easel } from '../client.js';
import type { GenerationEvent } from '../events.js';
import type { GeneratedImage } from '../images.js';
import type { CreateGenerationParams, GenerationMode, MaskSource, Sampler } from '../types.js';
import { printJson, progressBar, UsageError, type Io } from './terminal.js';

export const GENERATE_HELP = `easel generate "prompt" [options]

  --engine ID            engine to use (default: EASEL_ENGINE, the saved one, or the first live engine)
  --negative TEXT        negative prompt
  --steps N              denoising steps
  --seed N               seed (0 or absent: random)
  --size WxH             image size, e.g. 512x512 (default: the engine's native size)
  --cfg-scale X          classifier-free guidance scale
  --sampler NAME         e.g. euler_a, dpmpp_2m (see \`easel engines\`)
  --samples N            images to make (1-10)
  --init FILE            start from this image (image-to-image)
  --strength X           how much to change the init image (0-1)
  --mask FILE            repaint where the mask is white (inpainting; needs --init)
  --mask-source SRC      MASK_IMAGE_WHITE | MASK_IMAGE_BLACK | INIT_IMAGE_ALPHA
  --outpaint L,T,R,B     extend the init image by these margins (multiples of 64)
  --interpolate-to TEXT  morph towards this prompt (with --frames, --to-seed)
  --to-seed N            morph towards this seed
  --frames N             frames of an interpolation (default 8)
  -o, --output FILE      where to save (default easel-<id>.png; N images: FILE-1.png … FILE-N.png)
  --no-wait              print the generation's id and exit without waiting
  --json                 print the finished generation as JSON
Ctrl-C cancels the generation (it is refunded).`;

const OPTIONS = {
  engine: { type: 'string' },
  negative: { type: 'string' },
  steps: { type: 'string' },
  seed: { type: 'string' },
  size: { type: 'string' },
  'cfg-scale': { type: 'string' },
  sampler: { type: 'string' },
  samples: { type: 'string' },
  init: { type: 'string' },
  strength: { type: 'string' },
  mask: { type: 'string' },
  'mask-source': { type: 'string' },
  outpaint: { type: 'string' },
  'interpolate-to': { type: 'string' },
  'to-seed': { type: 'string' },
  frames: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'no-wait': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function generateCommand(
  easel: Easel,
  argv: string[],
  io: Io,
  context: { defaultEngine: string | undefined; signal: AbortSignal },
): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const prompt = positionals.join(' ').trim();
  if (!prompt) throw new UsageError('give a prompt: easel generate "a red circle on blue"');
  const engine = values.engine ?? context.defaultEngine ?? (await firstEngine(easel, context.signal));
  const params = await buildParams(engine, prompt, values);

  if (values['no-wait']) {
    const created = await easel.generations.create(params, { signal: context.signal });
    if (values.json) printJson(io, created);
    else io.stdout.write(`${created.id}\n`);
    return;
  }
  const bar = progressBar(io.stderr);
  let id: string | undefined;
  const onEvent = (event: GenerationEvent): void => {
    id = event.id;
    if (event.type === 'queued') bar.status(`queued ${event.id}`);
    else if (event.type === 'started') bar.status(`started ${event.id}`);
    else if (event.type === 'progress') bar.update(event.step, event.total);
  };
  let result;
  try {
    result = await easel.generate(params, { signal: context.signal, onEvent });
  } catch (error) {
    bar.done();
    // generate() cancels on abort (Ctrl-C), so the credits come back.
    if (context.signal.aborted && id)
      io.stderr.write(`canceled generation ${id}; its credits are refunded\n`);
    throw error;
  }
  bar.done();
  const files = await saveImages(values.output, result.generation.id, result.images, result.animation);
  if (values.json) {
    printJson(io, { ...result.generation, files });
    return;
  }
  for (const [i, file] of files.entries()) {
    const image = [...result.images, ...(result.animation ? [result.animation] : [])][i];
    io.stdout.write(`${file}  seed ${image.seed}  ${image.width}x${image.height}\n`);
  }
  io.stderr.write(`generation ${result.generation.id}: ${result.generation.cost} credit(s)\n`);
}

async function firstEngine(easel: Easel, signal: AbortSignal): Promise<string> {
  const engines = await easel.engines({ signal });
  if (engines.length === 0) throw new UsageError('no engine is being served right now; pass --engine');
  return engines[0].id;
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function buildParams(engine: string, prompt: string, values: Values): Promise<CreateGenerationParams> {
  const params: CreateGenerationParams = { engine, prompt };
  if (values.negative !== undefined) params.negativePrompt = values.negative;
  if (values.steps !== undefined) params.steps = integer('--steps', values.steps);
  if (values.seed !== undefined) params.seed = integer('--seed', values.seed);
  if (values.samples !== undefined) params.samples = integer('--samples', values.samples);
  if (values['cfg-scale'] !== undefined) params.cfgScale = number('--cfg-scale', values['cfg-scale']);
  if (values.sampler !== undefined) params.sampler = values.sampler as Sampler;
  if (values.size !== undefined) {
    const match = /^(\d+)[x×](\d+)$/i.exec(values.size);
    if (!match) throw new UsageError(`--size takes WIDTHxHEIGHT, e.g. 512x512 (got "${values.size}")`);
    params.width = Number(match[1]);
    params.height = Number(match[2]);
  }
  let mode: GenerationMode = 'text-to-image';
  if (values.init !== undefined) {
    params.initImage = await readImage('--init', values.init);
    mode = 'image-to-image';
  }
  if (values.strength !== undefined) params.strength = number('--strength', values.strength);
  if (values.mask !== undefined) {
    params.mask = await readImage('--mask', values.mask);
    mode = 'inpaint';
  }
  if (values['mask-source'] !== undefined) params.maskSource = values['mask-source'] as MaskSource;
  if (values.outpaint !== undefined) {
    const margins = values.outpaint.split(',').map((part) => integer('--outpaint', part.trim()));
    if (margins.length !== 4) throw new UsageError('--outpaint takes four margins: LEFT,TOP,RIGHT,BOTTOM');
    const [left, top, right, bottom] = margins;
    params.outpaint = { left, top, right, bottom };
    mode = 'outpaint';
  }
  if (values['interpolate-to'] !== undefined || values['to-seed'] !== undefined) {
    params.interpolation = {
      frames: values.frames === undefined ? 8 : integer('--frames', values.frames),
      ...(values['interpolate-to'] !== undefined && { toPrompt: values['interpolate-to'] }),
      ...(values['to-seed'] !== undefined && { toSeed: integer('--to-seed', values['to-seed']) }),
    };
    mode = 'interpolate';
  }
  params.mode = mode;
  return params;
}

function integer(flag: string, text: string): number {
  if (!/^-?\d+$/.test(text)) throw new UsageError(`${flag} takes a whole number (got "${text}")`);
  return Number(text);
}

function number(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`${flag} takes a number (got "${text}")`);
  return value;
}

async function readImage(flag: string, file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Writes the images: FILE for one, FILE-1 … FILE-N for several; an animation gets its own extension. */
export async function saveImages(
  output: string | undefined,
  id: string,
  images: GeneratedImage[],
  animation: GeneratedImage | null,
): Promise<string[]> {
  const target = output ?? `easel-${id.slice(0, 8)}.png`;
  const extension = path.extname(target) || '.png';
  const stem = target.slice(0, target.length - path.extname(target).length);
  const files: string[] = [];
  for (const [i, image] of images.entries()) {
    const file = images.length === 1 ? `${stem}${extension}` : `${stem}-${i + 1}${extension}`;
    await writeFile(file, image.bytes);
    files.push(file);
  }
  if (animation) {
    const file = `${stem}${animation.contentType === 'image/webp' ? '.webp' : '.anim'}`;
    await writeFile(file, animation.bytes);
    files.push(file);
  }
  return files;
}
