/**
 * One cold start in a fresh process (bench/coldstart.ts runs one per variant): opens every graph of the model
 * folder with the variant's session settings, timing each, then runs one guided 512² UNet call (batch 2) and
 * reports the peak RSS of that call (VmHWM reset through /proc/self/clear_refs before it, so the open's own
 * peak does not count). CPU seconds (all threads) are printed beside wall seconds: on a shared machine they
 * move far less with the load. Prints one JSON line.
 *   node --conditions=@easel/source --import ./tools/db/register.mjs bench/coldstart/probe.ts DIR 'SESSION_JSON'
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OnnxSession, Tensor, type SessionConfig } from '../../libs/diffusion/src/runtime/index.js';

export interface ProbeResult {
  /** Per graph: wall and CPU seconds to open. */
  open: Record<string, { wallS: number; cpuS: number }>;
  openWallS: number;
  openCpuS: number;
  /** Peak RSS while opening, and RSS once open. */
  openPeakGiB: number;
  openRssGiB: number;
  unetWallS: number;
  unetCpuS: number;
  /** Peak RSS during the UNet call (weights included). */
  unetPeakGiB: number;
  finite: boolean;
}

const GiB = 1024 ** 3;

export function memoryOf(pid: number | 'self'): { rssGiB: number; peakGiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rssGiB: kib('VmRSS') / GiB, peakGiB: kib('VmHWM') / GiB };
}

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function probe(modelDir: string, config: SessionConfig): Promise<ProbeResult> {
  const open: ProbeResult['open'] = {};
  const sessions = new Map<string, OnnxSession>();
  const wall0 = performance.now();
  const cpu0 = cpuSeconds();
  // The UNet first, as SdModel.load opens them.
  for (const graph of ['unet', 'text_encoder', 'vae_decoder', 'vae_encoder']) {
    const t = performance.now();
    const c = cpuSeconds();
    sessions.set(graph, await OnnxSession.create(graph, path.join(modelDir, graph, 'model.onnx'), config));
    open[graph] = { wallS: (performance.now() - t) / 1000, cpuS: cpuSeconds() - c };
  }
  const openWallS = (performance.now() - wall0) / 1000;
  const openCpuS = cpuSeconds() - cpu0;
  const afterOpen = memoryOf('self');

  writeFileSync('/proc/self/clear_refs', '5'); // VmHWM := current RSS
  const latent = 64; // 512² pixels
  const feeds = {
    sample: new Tensor('float32', new Float32Array(2 * 4 * latent * latent).fill(0.1), [
      2,
      4,
      latent,
      latent,
    ]),
    timestep: new Tensor('int64', BigInt64Array.of(981n), [1]),
    encoder_hidden_states: new Tensor('float32', new Float32Array(2 * 77 * 768).fill(0.01), [2, 77, 768]),
  };
  const t = performance.now();
  const c = cpuSeconds();
  const out = await sessions.get('unet')!.run(feeds);
  const unetWallS = (performance.now() - t) / 1000;
  const unetCpuS = cpuSeconds() - c;
  const unetPeakGiB = memoryOf('self').peakGiB;
  const finite = (out.out_sample.data as Float32Array).every(Number.isFinite);
  for (const s of sessions.values()) await s.release();
  return {
    open,
    openWallS,
    openCpuS,
    openPeakGiB: afterOpen.peakGiB,
    openRssGiB: afterOpen.rssGiB,
    unetWallS,
    unetCpuS,
    unetPeakGiB,
    finite,
  };
}

if (process.argv[1]?.endsWith('probe.ts')) {
  const [modelDir, configJson] = process.argv.slice(2);
  const result = await probe(modelDir, JSON.parse(configJson ?? '{}') as SessionConfig);
  console.log(JSON.stringify(result));
}
