export { StableDiffusionPipeline, type PipelineOptions } from './stable-diffusion-pipeline.js';
export { CanceledError, DiffusionError, InvalidImageError, InvalidRequestError } from './errors.js';
export {
  DEFAULT_LIMITS,
  modeOf,
  type GenerationMode,
  type GenerationRequest,
  type InterpolationRequest,
  type PipelineLimits,
} from './request.js';
export { checkSize, resolveSampler } from './validate.js';
export { slerp, lerp } from './latents.js';
export type { FinishReason, GeneratedImage, GenerationResult, ProgressEvent, RunOptions } from './types.js';
