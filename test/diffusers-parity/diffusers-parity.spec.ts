// Easel's pictures against diffusers' for the same tiny model, prompt, seed and settings, through the CLI users run.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@easel/diffusion';
import { caseArgs, maxPixelDiff, PARITY_DIR, parityCases } from './parity-cases.js';

let out: string;
const measured: Record<string, number> = {};

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'easel-parity-'));
});
afterAll(async () => {
  console.log(`diffusers parity, max level difference per case: ${JSON.stringify(measured)}`);
  await rm(out, { recursive: true, force: true });
});

describe('pictures match diffusers (test/fixtures/diffusers-parity)', () => {
  it('has the cases the fixture README describes', () => {
    expect(parityCases.length).toBeGreaterThanOrEqual(7);
  });

  for (const c of parityCases) {
    it(`${c.id}: within ${c.tolerance}/255 of ${c.reference_source.split(' + ')[0]}`, async () => {
      const file = path.join(out, `${c.id}.png`);
      let stderr = '';
      const code = await runCli(['generate', ...caseArgs(c), '--out', file], {
        stdout: { write: () => true },
        stderr: { write: (s: string) => (stderr += s) },
      });
      expect(stderr.split('\n').filter((l) => l.startsWith('easel-diffuse'))).toEqual([]);
      expect(code).toBe(0);
      const diff = await maxPixelDiff(await readFile(file), path.join(PARITY_DIR, c.reference));
      measured[c.id] = diff;
      expect(diff).toBeLessThanOrEqual(c.tolerance);
    });
  }
});
