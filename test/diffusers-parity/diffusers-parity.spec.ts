// Easel's pictures against diffusers' for the same tiny models, prompts, seeds and settings.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGenerateArgs, runCli, StableDiffusionPipeline } from '@easel/diffusion';
import { caseArgs, maxPixelDiff, PARITY_DIR, parityCases, type ParityCase } from './parity-cases.js';

let out: string;
const measured: Record<string, number> = {};
// One loaded pipeline per model folder: loading dominated the suite's time (~0.7 s of CPU a case) when every
// case went through the CLI. The request is parsed by the CLI's own parseGenerateArgs and run by the same
// StableDiffusionPipeline.run; the first test checks that the CLI writes exactly the same bytes.
const pipelines = new Map<string, Promise<StableDiffusionPipeline>>();

async function render(c: ParityCase): Promise<Uint8Array> {
  const { model, request, load } = await parseGenerateArgs([...caseArgs(c), '--out', 'unused.png']);
  let pipeline = pipelines.get(model);
  if (!pipeline) {
    pipeline = StableDiffusionPipeline.fromModelDir(model, load);
    pipelines.set(model, pipeline);
  }
  const result = await (await pipeline).run(request);
  expect(result.images).toHaveLength(1);
  return result.images[0].png;
}

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'easel-parity-'));
});
afterAll(async () => {
  console.log(`diffusers parity, max level difference per case: ${JSON.stringify(measured)}`);
  for (const p of pipelines.values()) await (await p).release();
  await rm(out, { recursive: true, force: true });
});

describe('pictures match diffusers (test/fixtures/diffusers-parity)', () => {
  it('has the cases the fixture README describes', () => {
    expect(parityCases.length).toBeGreaterThanOrEqual(54);
    expect(parityCases.filter((c) => c.reference_source.startsWith('diffusers ')).length).toBe(7);
  });

  it('easel-diffuse writes the bytes the library gives for a case', async () => {
    const c = parityCases.find((p) => p.compare === 'paste-back')!;
    const file = path.join(out, `${c.id}.png`);
    let stderr = '';
    const code = await runCli(['generate', ...caseArgs(c), '--out', file], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
    });
    expect(stderr.split('\n').filter((l) => l.startsWith('easel-diffuse'))).toEqual([]);
    expect(code).toBe(0);
    expect(Buffer.from(await readFile(file)).equals(Buffer.from(await render(c)))).toBe(true);
  });

  for (const c of parityCases) {
    it(`${c.id}: within ${c.tolerance}/255 of ${c.reference_source.split(' + ')[0]}`, async () => {
      const diff = await maxPixelDiff(await render(c), path.join(PARITY_DIR, c.reference));
      measured[c.id] = diff;
      expect(diff).toBeLessThanOrEqual(c.tolerance);
    });
  }
});
