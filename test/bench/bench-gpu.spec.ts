// bench:gpu is a script for a machine with a GPU; here it runs in its CI mode on lavapipe (the generated test
// model's UNet, the default WebGPU variant and the CPU baseline) to prove it runs and prints its figures.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemDepsReady, VULKAN_FOR_WEBGPU } from '../support/system-deps.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ready = systemDepsReady('bench:gpu on lavapipe', [VULKAN_FOR_WEBGPU]);

describe.skipIf(!ready)('bench:gpu (CI mode, lavapipe)', () => {
  it('prints per-step times for WebGPU and the CPU baseline, their ratio and the copy costs', () => {
    const child = spawnSync(
      process.execPath,
      ['--conditions=@easel/source', '--import', './tools/db/register.mjs', 'bench/gpu.ts'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 170_000,
        env: {
          ...process.env,
          BENCH_GPU_SIZE: 'tiny',
          BENCH_GPU_QUICK: '1',
          BENCH_GPU_STEPS: '2',
          BENCH_GPU_BUDGET_S: '150',
        },
      },
    );
    expect(child.status, child.stderr).toBe(0);
    const out = child.stdout;
    expect(out).toMatch(/webgpu adapter: available/);
    expect(out).toMatch(
      /webgpu fp16, NHWC \+ padded conv_in: load [\d.]+ s, first step \d+ ms, per step [\d.]+ ms/,
    );
    expect(out).toMatch(/cpu fp32 \(baseline\): load [\d.]+ s, first step \d+ ms, per step [\d.]+ ms/);
    expect(out).toMatch(/latent copies \(\d+ KiB\): upload [\d.]+ ms, download [\d.]+ ms/);
    expect(out).toMatch(
      /summary: fastest webgpu .* ms\/step; cpu [\d.]+ ms\/step; webgpu\/cpu speed ratio [\d.]+×/,
    );
  }, 180_000);
});
