/**
 * Whether ONNX Runtime's WebGPU provider can start here: one tiny session, created once per process. Dawn needs
 * a Vulkan driver it accepts (a GPU's, or Mesa ≥ 25's lavapipe on a CPU); without one session creation fails
 * with "No supported adapters".
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { DataType, encodeModel, GraphBuilder } from '../onnx/index.js';

export const WEBGPU_HELP =
  'on Debian: apt-get install -t bookworm-backports mesa-vulkan-drivers for the CPU driver, or the GPU vendor’s Vulkan driver; set XDG_RUNTIME_DIR';

let probe: Promise<{ ok: true } | { ok: false; reason: string }> | undefined;

export function probeWebGpu(): Promise<{ ok: true } | { ok: false; reason: string }> {
  probe ??= runProbe();
  return probe;
}

async function runProbe(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const g = new GraphBuilder('webgpu_probe');
  g.op('Relu', [g.input('x', DataType.FLOAT, [1, 4])], {}, 'y');
  g.output('y', DataType.FLOAT, [1, 4]);
  try {
    const session = await InferenceSession.create(encodeModel(g.toModel()), {
      executionProviders: ['webgpu'],
      logSeverityLevel: 3,
    });
    try {
      const out = await session.run({ x: new Tensor('float32', Float32Array.of(-1, 0, 1, 2), [1, 4]) });
      const y = out.y.data as Float32Array;
      if (y[0] !== 0 || y[3] !== 2)
        return { ok: false, reason: `a test run returned [${[...y].join(', ')}]` };
    } finally {
      await session.release();
    }
    return { ok: true };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // ORT prefixes the source location; the sentence after the last "false. " is what a person needs.
    return { ok: false, reason: message.split('was false. ').pop()!.trim() };
  }
}
