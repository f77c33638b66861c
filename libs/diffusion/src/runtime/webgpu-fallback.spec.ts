// No WebGPU adapter (Vulkan pointed at no driver, in a child process since the probe is once per process):
// a clear error, or with fallbackToCpu a logged fallback; the CLI exits 1 naming the cause.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

const SCRIPT = `
import { resolveExecutionProviders } from './libs/diffusion/src/runtime/index.ts';
import { runCli } from './libs/diffusion/src/cli/index.ts';
const lines = [];
const fallback = await resolveExecutionProviders(['webgpu'], { fallbackToCpu: true, log: (l) => lines.push(l) });
let error;
try { await resolveExecutionProviders(['webgpu', 'cpu']); } catch (e) { error = { code: e.code, message: e.message }; }
let stderr = '';
const code = await runCli(
  ['generate', '--model', 'models/easel-tiny', '--providers', 'webgpu', '--out', '/nonexistent/x.png'],
  { stdout: { write: () => true }, stderr: { write: (s) => { stderr += s; return true; } } },
);
console.log(JSON.stringify({ names: fallback.names, lines, error, cli: { code, stderr } }));
`;

describe('WebGPU without an adapter', () => {
  it('is a clear error, or a logged fallback to CPU; the CLI exits 1 with the reason', () => {
    const child = spawnSync(
      process.execPath,
      [
        '--conditions=@easel/source',
        '--import',
        './tools/db/register.mjs',
        '--input-type=module',
        '-e',
        SCRIPT,
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, VK_DRIVER_FILES: '/nonexistent/icd.json' },
        timeout: 60_000,
      },
    );
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    const out = JSON.parse(line) as {
      names: string[];
      lines: string[];
      error: { code: string; message: string };
      cli: { code: number; stderr: string };
    };
    expect(out.names).toEqual(['cpu']);
    expect(out.lines).toEqual([
      expect.stringMatching(
        /^execution provider webgpu unavailable, no WebGPU adapter: .*No supported adapters.*; falling back to cpu$/,
      ),
    ]);
    expect(out.error.code).toBe('provider_unavailable');
    expect(out.error.message).toMatch(/execution provider webgpu: no WebGPU adapter: .*mesa-vulkan-drivers/);
    expect(out.cli.code).toBe(1);
    expect(out.cli.stderr).toMatch(/easel-diffuse: execution provider webgpu: no WebGPU adapter/);
  });
});
