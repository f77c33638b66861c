/**
 * The UNet's text conditioning on the GPU for a whole denoising loop: it is the same every step, so with the
 * WebGPU provider it is uploaded once per buffer instead of copied to the device on every UNet call. The latents
 * are not kept there: the schedulers step in JS on the CPU, so each step's sample goes up and its noise comes
 * down anyway (bench/gpu.ts measures those copies against the step).
 */
import { DeviceTensors, type Tensor } from '../runtime/index.js';

export class DeviceConditioning {
  private readonly device = new DeviceTensors();
  private last: { source: Float32Array; dims: string; tensor: Tensor } | null = null;

  /**
   * The GPU copy of `source` (made by `make` on a miss). Keyed by the buffer: callers must not change a hidden
   * buffer they pass again (the pipeline and the worker's batches build one per batch and only read it). An older
   * copy is not disposed here, as a concurrent run may still hold it; dropping the reference frees it.
   */
  async tensor(source: Float32Array, dims: readonly number[], make: () => Tensor): Promise<Tensor> {
    const key = dims.join(',');
    if (this.last?.source === source && this.last.dims === key) return this.last.tensor;
    const tensor = await this.device.upload(make());
    this.last = { source, dims: key, tensor };
    return tensor;
  }

  async release(): Promise<void> {
    this.last = null;
    await this.device.release();
  }
}
