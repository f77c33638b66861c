import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { MaskSource } from '../image/index.js';
import {
  InvalidRequestError,
  StableDiffusionPipeline,
  type GenerationRequest,
  type PipelineOptions,
} from '../pipeline/index.js';
import { parseProviderOptions } from '../runtime/index.js';
import { progressBar, type TextSink } from './progress-bar.js';

export const GENERATE_USAGE = `easel-diffuse generate --model DIR --prompt TEXT --out FILE [options]
  --negative-prompt TEXT   --seed N   --steps N   --cfg-scale X   --sampler NAME
  --width N --height N     --samples N (1..10; FILE-0.png, FILE-1.png, …)
  --init-image FILE [--strength X]     image-to-image (strength 0 keeps the image, 1 ignores it)
  --mask FILE [--mask-source MASK_IMAGE_WHITE|MASK_IMAGE_BLACK|INIT_IMAGE_ALPHA]   inpainting
  --outpaint L,T,R,B [--outpaint-fill blur|edge]                                 outpainting
  --interpolate-to-prompt TEXT [--interpolate-to-seed N] --frames N              interpolation (+ FILE.webp)
  --providers cpu|webgpu|cuda[,…]  --provider-option webgpu.preferredLayout=NCHW (repeatable)
  --threads N  --fallback-to-cpu`;

const OPTIONS = {
  model: { type: 'string' },
  prompt: { type: 'string' },
  'negative-prompt': { type: 'string' },
  seed: { type: 'string' },
  steps: { type: 'string' },
  'cfg-scale': { type: 'string' },
  sampler: { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  samples: { type: 'string' },
  'init-image': { type: 'string' },
  strength: { type: 'string' },
  mask: { type: 'string' },
  'mask-source': { type: 'string' },
  outpaint: { type: 'string' },
  'outpaint-fill': { type: 'string' },
  'interpolate-to-prompt': { type: 'string' },
  'interpolate-to-seed': { type: 'string' },
  frames: { type: 'string' },
  out: { type: 'string' },
  providers: { type: 'string' },
  'provider-option': { type: 'string', multiple: true },
  threads: { type: 'string' },
  'fallback-to-cpu': { type: 'boolean' },
} as const;

/** What a `generate` command line asks for: the request, the model folder, the output file and load options. */
export interface GenerateInvocation {
  model: string;
  out: string;
  request: GenerationRequest;
  load: Omit<PipelineOptions, 'log'>;
}

/** Parses `generate` arguments and reads the image files they name. */
export async function parseGenerateArgs(args: string[]): Promise<GenerateInvocation> {
  const { values: v } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  if (!v.model) throw new InvalidRequestError('--model', 'the model folder is required');
  if (!v.out) throw new InvalidRequestError('--out', 'the output file is required');
  if (v.mask && !v['init-image']) throw new InvalidRequestError('--mask', 'needs --init-image');
  const request: GenerationRequest = {
    prompt: v.prompt,
    negativePrompt: v['negative-prompt'],
    seed: num('--seed', v.seed),
    steps: num('--steps', v.steps),
    cfgScale: num('--cfg-scale', v['cfg-scale']),
    sampler: v.sampler,
    width: num('--width', v.width),
    height: num('--height', v.height),
    samples: num('--samples', v.samples),
    initImage: v['init-image'] ? await readFile(v['init-image']) : undefined,
    strength: num('--strength', v.strength),
    maskImage: v.mask ? await readFile(v.mask) : undefined,
    maskSource: v['mask-source'] as MaskSource | undefined,
    outpaint: v.outpaint ? margins(v.outpaint) : undefined,
    outpaintFill: v['outpaint-fill'] === 'edge' ? 'edge' : undefined,
  };
  if (
    v['interpolate-to-prompt'] !== undefined ||
    v['interpolate-to-seed'] !== undefined ||
    v.frames !== undefined
  ) {
    request.interpolation = {
      toPrompt: v['interpolate-to-prompt'],
      toSeed: num('--interpolate-to-seed', v['interpolate-to-seed']),
      frames: num('--frames', v.frames) ?? 8,
    };
  }
  const load = {
    executionProviders: v.providers?.split(','),
    fallbackToCpu: v['fallback-to-cpu'],
    providerOptions: parseProviderOptions(v['provider-option'] ?? []),
    intraOpNumThreads: num('--threads', v.threads),
  };
  return { model: v.model, out: v.out, request, load };
}

export async function generateCommand(args: string[], stdout: TextSink, stderr: TextSink): Promise<void> {
  const { model, out, request, load } = await parseGenerateArgs(args);
  const pipeline = await StableDiffusionPipeline.fromModelDir(model, {
    ...load,
    log: (line) => stderr.write(`${line}\n`),
  });
  try {
    const bar = progressBar(stderr);
    const result = await pipeline.run(request, { onProgress: (e) => bar.update(e) });
    bar.done();
    const files = outputNames(out, result.images.length);
    for (const [i, image] of result.images.entries()) {
      await writeFile(files[i], image.png);
      stdout.write(`seed ${image.seed} → ${files[i]} (${image.width}x${image.height})\n`);
    }
    if (result.animation) {
      const webp = `${stem(out)}.webp`;
      await writeFile(webp, result.animation.webp);
      stdout.write(`animation → ${webp} (${result.animation.frames} frames)\n`);
    }
  } finally {
    await pipeline.release();
  }
}

/** One image → FILE; several → FILE-0.png, FILE-1.png, … */
export function outputNames(out: string, count: number): string[] {
  if (count === 1) return [out];
  return Array.from({ length: count }, (_, i) => `${stem(out)}-${i}.png`);
}

function stem(file: string): string {
  return path.extname(file).toLowerCase() === '.png' ? file.slice(0, -4) : file;
}

function num(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidRequestError(flag, `expected a number, got "${value}"`);
  return n;
}

function margins(value: string): { left: number; top: number; right: number; bottom: number } {
  const parts = value.split(',').map((p) => num('--outpaint', p));
  if (parts.length !== 4) throw new InvalidRequestError('--outpaint', `expected L,T,R,B, got "${value}"`);
  const [left, top, right, bottom] = parts as number[];
  return { left, top, right, bottom };
}
