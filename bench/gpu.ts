/**
 * npm run bench:gpu — per-step UNet time on ONNX Runtime's WebGPU provider, with a same-run CPU baseline.
 * On a machine with a GPU (auto: an NVIDIA, AMD or DRM device node) it builds a UNet shaped like SD 1.5's
 * (9-channel inpainting variant, so both Conv workarounds are timed) and runs it at 512×512, batch 2 (one guided
 * image); elsewhere the same topology at a small width on lavapipe at 64×64, so CI proves the script works.
 * Every part is timed on its own and printed as it finishes; a part that fails or would overrun the budget
 * prints why, and the script still exits 0 within BENCH_GPU_BUDGET_S (default 480 s).
 *   BENCH_GPU_SIZE=auto|sd15|small|tiny (tiny: the generated test model's UNet, for CI)  BENCH_GPU_UNET=path/to/unet/model.onnx (use a real export instead)
 *   BENCH_GPU_STEPS (webgpu steps per variant)  BENCH_GPU_CPU_STEPS  BENCH_GPU_BUDGET_S
 *   BENCH_GPU_QUICK=1: only the default WebGPU variant, the CPU baseline and the copies (CI, where lavapipe
 *   compiles every variant's shaders on the CPU)
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  buildSd15Unet,
  DeviceTensors,
  float16Tensor,
  OnnxSession,
  probeWebGpu,
  SD15_UNET,
  SD15_UNET_SMALL,
  buildUnet,
  TEST_MODEL_SHAPES,
  Tensor,
  toFloat16Model,
  writeModel,
  type Feeds,
  type ProviderOptions,
} from './support/diffusion-internals.js';

const started = performance.now();
const budgetMs = Number(process.env.BENCH_GPU_BUDGET_S ?? 480) * 1000;
const left = (): number => budgetMs - (performance.now() - started);
const gpuDevice = existsSync('/dev/nvidia0') || existsSync('/dev/kfd') || hasRenderNode();
const size = process.env.BENCH_GPU_SIZE ?? 'auto';
const sd15 = size === 'sd15' || (size === 'auto' && gpuDevice);
const tiny = size === 'tiny';
const pixels = sd15 ? 512 : 64;
const latent = pixels / 8;
const batch = 2;
const steps = Number(process.env.BENCH_GPU_STEPS ?? (sd15 ? 10 : 3));
const cpuSteps = Number(process.env.BENCH_GPU_CPU_STEPS ?? 2);
/** Rough cost of one more variant (load + steps), so the script stops before the budget, not after it. */
const variantMs = sd15 ? 90_000 : 15_000;

function hasRenderNode(): boolean {
  try {
    return readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch {
    return false;
  }
}

function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const seconds = (ms: number): string => (ms / 1000).toFixed(1);

interface Row {
  label: string;
  loadMs: number;
  firstMs: number;
  stepMs: number;
  steps: number;
}

const dir = await mkdtemp(path.join(tmpdir(), 'easel-bench-gpu-'));
const rows: Row[] = [];
try {
  line(
    `bench:gpu — ${sd15 ? 'SD 1.5-shaped' : tiny ? 'test-model' : 'small SD 1.5-topology'} UNet, ${pixels}×${pixels} (latents ${latent}×${latent}), ` +
      `batch ${batch}; GPU device node: ${gpuDevice ? 'yes' : 'no (lavapipe, software Vulkan)'}; budget ${seconds(budgetMs)} s`,
  );
  const adapter = await probeWebGpu();
  line(`webgpu adapter: ${adapter.ok ? 'available' : `unavailable — ${adapter.reason}`}`);

  const files = await unetFiles();
  const cpuFile = files.fp32 ?? files.fp16!;
  const channels = files.channels;
  line(`unet: ${files.describe}`);

  const variants: Array<[string, string | undefined, string[], ProviderOptions]> = [
    ['webgpu fp16, NHWC + padded conv_in', files.fp16, ['webgpu'], {}],
    ['cpu fp32 (baseline)', cpuFile, ['cpu'], {}],
    ['webgpu fp16, NCHW', files.fp16, ['webgpu'], { webgpu: { preferredLayout: 'NCHW' } }],
    ['webgpu fp32, NHWC + padded conv_in', files.fp32, ['webgpu'], {}],
    ['webgpu fp32, NCHW', files.fp32, ['webgpu'], { webgpu: { preferredLayout: 'NCHW' } }],
  ];
  const quick = process.env.BENCH_GPU_QUICK === '1';
  for (const [index, [label, file, providers, providerOptions]] of variants.entries()) {
    if (!file || (quick && index > 1)) continue;
    if (providers[0] === 'webgpu' && !adapter.ok) {
      line(`${label}: unavailable (no WebGPU adapter)`);
      continue;
    }
    if (left() < variantMs) {
      line(`${label}: skipped, ${seconds(left())} s of the budget left`);
      continue;
    }
    try {
      const row = await timeVariant(label, file, providers, providerOptions, channels);
      rows.push(row);
      const cpu = rows.find((r) => r.label.startsWith('cpu'));
      const ratio =
        cpu && row !== cpu ? `, ${(cpu.stepMs / row.stepMs).toPrecision(2)}× the CPU's speed` : '';
      line(
        `${label}: load ${seconds(row.loadMs)} s, first step ${row.firstMs.toFixed(0)} ms, ` +
          `per step ${row.stepMs.toFixed(1)} ms (median of ${row.steps})${ratio}`,
      );
    } catch (error) {
      line(`${label}: unavailable — ${(error as Error).message.split('\n')[0]}`);
    }
  }
  if (adapter.ok && files.fp16 && left() > variantMs / 2) await copies(files.fp16, channels);
  summary();
} finally {
  await rm(dir, { recursive: true, force: true });
}

async function unetFiles(): Promise<{ fp32?: string; fp16?: string; channels: number; describe: string }> {
  const given = process.env.BENCH_GPU_UNET;
  if (given) {
    const probe = await OnnxSession.create('unet', given, { executionProviders: ['cpu'] });
    const sample = probe.input('sample');
    await probe.release();
    const channels = Number(sample.shape[1]) || 4;
    const fp16 = sample.type === 'float16';
    return {
      [fp16 ? 'fp16' : 'fp32']: given,
      channels,
      describe: `${given} (${sample.type}, ${channels} channels)`,
    };
  }
  const t0 = performance.now();
  const model = tiny
    ? buildUnet(TEST_MODEL_SHAPES.tiny, 1, { inChannels: 9, timestepType: 'int64' })
    : buildSd15Unet(sd15 ? SD15_UNET : SD15_UNET_SMALL, { inChannels: 9 });
  const params = model.graph.initializers.reduce((n, t) => n + t.raw.length / 4, 0);
  const fp32 = path.join(dir, 'fp32', 'model.onnx');
  const fp16 = path.join(dir, 'fp16', 'model.onnx');
  await Promise.all([mkdir(path.dirname(fp32)), mkdir(path.dirname(fp16))]);
  // External weights: the fp32 SD 1.5 UNet is over protobuf's 2 GB limit.
  await writeModel(fp32, model, { externalDataFile: 'weights.pb' });
  await writeModel(fp16, toFloat16Model(model), { externalDataFile: 'weights.pb' });
  return {
    fp32,
    fp16,
    channels: 9,
    describe: `built ${params >= 1e6 ? `${(params / 1e6).toFixed(0)} M` : `${(params / 1e3).toFixed(0)} k`} parameters, 9 input channels, fp32 and fp16, in ${seconds(performance.now() - t0)} s`,
  };
}

function feeds(channels: number, half: boolean, contextDim: number): Feeds {
  const values = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
  const float = (data: Float32Array, dims: number[]): Tensor =>
    half ? float16Tensor(data, dims) : new Tensor('float32', data, dims);
  return {
    sample: float(values(batch * channels * latent * latent), [batch, channels, latent, latent]),
    timestep: new Tensor('int64', BigInt64Array.of(500n), [1]),
    encoder_hidden_states: float(values(batch * 77 * contextDim), [batch, 77, contextDim]),
  };
}

async function timeVariant(
  label: string,
  file: string,
  executionProviders: string[],
  providerOptions: ProviderOptions,
  channels: number,
): Promise<Row> {
  const t0 = performance.now();
  const session = await OnnxSession.create('unet', file, { executionProviders, providerOptions });
  const loadMs = performance.now() - t0;
  try {
    const info = session.input('encoder_hidden_states');
    const input = feeds(channels, info.type === 'float16', Number(info.shape[2]));
    const t1 = performance.now();
    await session.run(input, ['out_sample']);
    const firstMs = performance.now() - t1;
    const count = executionProviders[0] === 'cpu' ? cpuSteps : steps;
    const times: number[] = [];
    for (let i = 0; i < count && (i === 0 || left() > variantMs / 3); i++) {
      const t = performance.now();
      await session.run(input, ['out_sample']);
      times.push(performance.now() - t);
    }
    return { label, loadMs, firstMs, stepMs: median(times), steps: times.length };
  } finally {
    await session.release();
  }
}

/** What staying on the device saves: the conditioning uploaded every step vs once, and one latent copy each way. */
async function copies(file: string, channels: number): Promise<void> {
  const session = await OnnxSession.create('unet', file, { executionProviders: ['webgpu'] });
  const device = new DeviceTensors();
  try {
    const info = session.input('encoder_hidden_states');
    const input = feeds(channels, info.type === 'float16', Number(info.shape[2]));
    const onDevice = { ...input, encoder_hidden_states: await device.upload(input.encoder_hidden_states) };
    await session.run(onDevice, ['out_sample']);
    const host: number[] = [];
    const resident: number[] = [];
    for (let i = 0; i < Math.max(2, steps) && left() > variantMs / 4; i++) {
      let t = performance.now();
      await session.run(input, ['out_sample']);
      host.push(performance.now() - t);
      t = performance.now();
      await session.run(onDevice, ['out_sample']);
      resident.push(performance.now() - t);
    }
    const up: number[] = [];
    const down: number[] = [];
    const out = await device.upload(input.sample);
    for (let i = 0; i < 10; i++) {
      let t = performance.now();
      await device.upload(input.sample);
      up.push(performance.now() - t);
      t = performance.now();
      await device.download(out);
      down.push(performance.now() - t);
    }
    const kib = (t: Tensor): string => `${((t.size * (t.type === 'float16' ? 2 : 4)) / 1024).toFixed(0)} KiB`;
    line(
      `conditioning (${kib(input.encoder_hidden_states)}) uploaded every step: ${median(host).toFixed(1)} ms per step; ` +
        `kept on the GPU: ${median(resident).toFixed(1)} ms (median of ${host.length} each)`,
    );
    line(
      `latent copies (${kib(input.sample)}): upload ${median(up).toFixed(2)} ms, download ${median(down).toFixed(2)} ms ` +
        `per step (median of 10), against a step of ${median(resident).toFixed(1)} ms`,
    );
  } catch (error) {
    line(`copies: unavailable — ${(error as Error).message.split('\n')[0]}`);
  } finally {
    await device.release();
    await session.release();
  }
}

function summary(): void {
  const cpu = rows.find((r) => r.label.startsWith('cpu'));
  const best = rows.filter((r) => !r.label.startsWith('cpu')).sort((a, b) => a.stepMs - b.stepMs)[0];
  line(
    `summary: ${best ? `fastest webgpu ${best.label} ${best.stepMs.toFixed(1)} ms/step` : 'no webgpu figure'}` +
      `${cpu ? `; cpu ${cpu.stepMs.toFixed(1)} ms/step` : ''}` +
      `${best && cpu ? `; webgpu/cpu speed ratio ${(cpu.stepMs / best.stepMs).toPrecision(2)}×` : ''}; total ${seconds(performance.now() - started)} s`,
  );
}
