/**
 * Makes a model exact on ONNX Runtime's WebGPU provider. Its Conv in the NHWC layout (its default) is wrong when
 * the input channel count per group is a multiple of 3, not of 4, and above 3 (6, 9, 15, 18): measured on one-Conv
 * graphs (ORT 1.30, Dawn on Mesa 25 lavapipe) for output channels 4, 8 and 16 at kernels 2×2 and 3×3 with and
 * without padding, and 1×1 with padding; 6 output channels and an unpadded 1×1 kernel came out right. SD 1.5's
 * 9-channel inpainting UNet's conv_in and easel-tiny's 6-channel conv_in are such Convs. webgpu-conv.spec.ts keeps
 * the reproduction, and fails once the runtime is fixed.
 *
 * Either workaround is exact: the NCHW layout, or zero-padding those Convs' input channels to a multiple of 4.
 * Padding measured as fast or faster on lavapipe (README, "WebGPU") and keeps the layout ORT tunes its GPU kernels
 * for, so sessions keep NHWC and get the padded graph; a Conv the rewrite cannot pad sends its session to NCHW.
 * Every Conv with such input channels is padded, the output channels and kernel aside: padding is exact anyway.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { padConvInputChannels, type ConvShape } from '../onnx/index.js';
import type { ExecutionProviderConfig } from './providers.js';

/** The Convs padded for WebGPU: input channels per group a multiple of 3, not of 4, above 3. */
export function webgpuConvFault(conv: Pick<ConvShape, 'inChannels' | 'group'>): boolean {
  const perGroup = conv.inChannels / conv.group;
  return perGroup > 3 && perGroup % 3 === 0 && perGroup % 4 !== 0;
}

export interface WebGpuModel {
  /** The model path, or the rewritten model's bytes. */
  source: string | Uint8Array;
  providers: ExecutionProviderConfig[];
  /** Session options the rewritten model needs (its external weights stay in the model's folder). */
  extra?: Record<string, unknown>;
}

/** `bytes`: the model already in memory (a graph rewritten at load); `modelPath` still locates its folder. */
export async function prepareWebGpuModel(
  label: string,
  modelPath: string,
  providers: ExecutionProviderConfig[],
  log?: (line: string) => void,
  bytes?: Uint8Array,
): Promise<WebGpuModel> {
  const webgpu = providers.find((p) => (typeof p === 'string' ? p : p.name) === 'webgpu');
  const layout =
    typeof webgpu === 'object' && 'preferredLayout' in webgpu ? webgpu.preferredLayout : undefined;
  const original = bytes ?? modelPath;
  if (!webgpu || layout === 'NCHW') return { source: original, providers };
  const dir = path.dirname(modelPath);
  const result = await padConvInputChannels(bytes ?? (await readFile(modelPath)), dir, webgpuConvFault);
  if (!result) return { source: original, providers };
  if (result.skipped.length) {
    const why = result.skipped.map((s) => `${s.node}: ${s.reason}`).join('; ');
    log?.(
      `${label}: WebGPU runs this graph in NCHW layout (Convs it computes wrongly in NHWC that cannot be padded: ${why})`,
    );
    const nchw = providers.map((p): ExecutionProviderConfig =>
      p === webgpu ? { ...(typeof p === 'object' ? p : {}), name: 'webgpu', preferredLayout: 'NCHW' } : p,
    );
    return { source: original, providers: nchw };
  }
  const what = result.padded.map((c) => `${c.node} ${c.inChannels}→${c.paddedChannels}`).join(', ');
  log?.(`${label}: zero-padded the input channels of ${what} for WebGPU (exact; see webgpu-model.ts)`);
  return {
    source: result.bytes,
    providers,
    extra: { session: { model_external_initializers_file_folder_path: dir } },
  };
}
