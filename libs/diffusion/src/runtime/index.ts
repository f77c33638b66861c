export { ModelError, type ModelErrorCode } from './model-error.js';
export {
  availableProviders,
  parseProvider,
  resolveProviders,
  type ExecutionProviderConfig,
  type ProviderResolution,
} from './providers.js';
export { OnnxSession, type Feeds, type SessionConfig, type TensorInfo, type TensorType } from './session.js';
export { float16BitsToFloat32, float16ToFloat32, float32ToFloat16, float32ToFloat16Bits } from './float16.js';
export { float16Tensor } from './float16-tensor.js';
export { Tensor } from 'onnxruntime-node';
