export { SdModel, type ModelLoadOptions, type SessionTimings } from './sd-model.js';
export { ModelError, type ModelErrorCode } from '../runtime/index.js';
export { DEFAULT_VAE_SCALE_FACTOR, DEFAULT_VAE_SCALING_FACTOR } from './model-folder.js';
