// The library's runtime and ONNX writer for benchmarks that measure below the pipeline (bench/gpu.ts).
export {
  DeviceTensors,
  float16Tensor,
  OnnxSession,
  probeWebGpu,
  Tensor,
  type Feeds,
  type ProviderOptions,
} from '../../libs/diffusion/src/runtime/index.js';
export { toFloat16Model, writeModel } from '../../libs/diffusion/src/onnx/index.js';
export {
  buildSd15Unet,
  SD15_UNET,
  SD15_UNET_SMALL,
  TEST_MODEL_SHAPES,
} from '../../libs/diffusion/src/test-model/index.js';
export { buildUnet } from '../../libs/diffusion/src/test-model/unet.js';
