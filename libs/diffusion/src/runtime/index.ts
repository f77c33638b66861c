export { ModelError, type ModelErrorCode } from './model-error.js';
export {
  availableProviders,
  parseProvider,
  parseProviderOptions,
  resolveExecutionProviders,
  resolveProviders,
  type CpuOptions,
  type ExecutionProviderConfig,
  type ProviderOptions,
  type ProviderResolution,
  type WebGpuOptions,
} from './providers.js';
export { probeWebGpu } from './webgpu-adapter.js';
export { prepareWebGpuModel, webgpuConvFault } from './webgpu-model.js';
export { OnnxSession, type Feeds, type SessionConfig, type TensorInfo, type TensorType } from './session.js';
export { float16BitsToFloat32, float16ToFloat32, float32ToFloat16, float32ToFloat16Bits } from './float16.js';
export { float16Tensor } from './float16-tensor.js';
export { Tensor } from 'onnxruntime-node';
export { DeviceTensors } from './device-tensors.js';
export { sessionOptions, type GraphOptimizationLevel, type SessionTuning } from './session-options.js';
