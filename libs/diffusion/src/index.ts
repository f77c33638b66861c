// @easel/diffusion: Stable Diffusion 1.x on onnxruntime-node. The public API of every folder.
export * from './tokenizer/index.js';
export * from './random/index.js';
export * from './schedulers/index.js';
export * from './model/index.js';
export * from './test-model/index.js';
export * from './prompt/index.js';
export * from './image/index.js';
export * from './pipeline/index.js';
export { parseGenerateArgs, runCli, type GenerateInvocation } from './cli/index.js';
export {
  parseProviderOptions,
  probeWebGpu,
  type ProviderOptions,
  type WebGpuOptions,
} from './runtime/index.js';
