import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './main.js';

let dir: string;

/** Runs the CLI in-process (no build needed) and captures its output. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

async function size(file: string): Promise<[number, number, string]> {
  const meta = await sharp(await readFile(file), { animated: true }).metadata();
  return [meta.width, meta.pageHeight ?? meta.height, meta.format];
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'easel-cli-'));
  expect((await cli('make-test-model', '--out', path.join(dir, 'sd'))).code).toBe(0);
  const inpaint = await cli('make-test-model', '--out', path.join(dir, 'sd-inpaint'), '--inpainting');
  expect(inpaint.stdout).toContain('inpainting');
  await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3060a0' } })
    .png()
    .toFile(path.join(dir, 'init.png'));
  await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } })
    .png()
    .toFile(path.join(dir, 'mask.png'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const common = (model = 'sd'): string[] => [
  '--model',
  path.join(dir, model),
  '--prompt',
  'a cat',
  '--steps',
  '3',
  '--width',
  '64',
  '--height',
  '64',
];

describe('easel-diffuse generate', () => {
  it('text-to-image with several samples writes FILE-0.png, FILE-1.png and prints the seeds', async () => {
    const out = path.join(dir, 't2i.png');
    const r = await cli(
      'generate',
      ...common(),
      '--seed',
      '5',
      '--samples',
      '2',
      '--sampler',
      'K_EULER',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`seed 5 → ${dir}/t2i-0.png (64x64)\nseed 6 → ${dir}/t2i-1.png (64x64)\n`);
    expect(r.stderr).toMatch(/\[#{30}\] 3\/3/);
    expect(await size(path.join(dir, 't2i-1.png'))).toEqual([64, 64, 'png']);
  });

  it('image-to-image, inpainting and outpainting write PNGs of the right size', async () => {
    const init = path.join(dir, 'init.png');
    const cases: Array<[string, string[], [number, number]]> = [
      ['img2img.png', ['--init-image', init, '--strength', '0.5'], [64, 64]],
      ['inpaint.png', ['--init-image', init, '--mask', path.join(dir, 'mask.png')], [64, 64]],
      ['outpaint.png', ['--init-image', init, '--outpaint', '0,0,64,0'], [128, 64]],
    ];
    for (const [file, args, [w, h]] of cases) {
      const r = await cli('generate', ...common('sd-inpaint'), ...args, '--out', path.join(dir, file));
      expect(r.stderr.split('\n').filter((l) => l.startsWith('easel-diffuse'))).toEqual([]);
      expect(r.code).toBe(0);
      expect(await size(path.join(dir, file))).toEqual([w, h, 'png']);
    }
  });

  it('interpolation writes the frames and an animated WebP', async () => {
    const out = path.join(dir, 'morph.png');
    const r = await cli(
      'generate',
      ...common(),
      '--interpolate-to-prompt',
      'a dog',
      '--frames',
      '3',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`animation → ${dir}/morph.webp (3 frames)`);
    expect(await size(path.join(dir, 'morph-2.png'))).toEqual([64, 64, 'png']);
    expect(await size(path.join(dir, 'morph.webp'))).toEqual([64, 64, 'webp']);
  });

  it("the README's example renders easel-tiny at its native 64×64 with its easel.json defaults", async () => {
    const tiny = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../models/easel-tiny');
    const out = path.join(dir, 'readme.png');
    const r = await cli('generate', '--model', tiny, '--prompt', 'a small green square top left on white');
    expect(r.code).toBe(2); // --out is required
    const ok = await cli(
      'generate',
      '--model',
      tiny,
      '--prompt',
      'two yellow stars on black',
      '--seed',
      '1',
      '--out',
      out,
    );
    expect(ok.stdout).toContain('(64x64)');
    expect(await size(out)).toEqual([64, 64, 'png']);
    // easel.json's defaults, as the API would use them
    expect((await readFile(out)).toString('latin1')).toContain('Steps: 20, Sampler: DPM++ 2M, CFG scale: 5');
  });

  it('bad usage exits 2 with a clear message', async () => {
    const r = await cli('generate', ...common(), '--width', '100', '--out', path.join(dir, 'x.png'));
    expect([r.code, r.stderr.trim().split('\n').at(-1)]).toEqual([
      2,
      'easel-diffuse: width: 100x64 is not allowed: width and height must be multiples of 64 from 64 to 2048',
    ]);
    expect((await cli('generate', '--prompt', 'x')).stderr).toContain(
      '--model: the model folder is required',
    );
    expect((await cli('frobnicate')).code).toBe(2);
    const option = await cli(
      'generate',
      ...common(),
      '--provider-option',
      'webgpu.layout=NCHW',
      '--out',
      'x.png',
    );
    expect([option.code, option.stderr]).toEqual([
      1,
      expect.stringContaining(
        'execution provider option "webgpu.layout=NCHW" is not one of: webgpu.preferredLayout=NCHW|NHWC',
      ),
    ]);
  });
});
