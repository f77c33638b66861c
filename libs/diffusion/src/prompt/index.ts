export { parsePromptAttention, isBreak, type WeightedText } from './attention.js';
export {
  chunkWeightedText,
  padChunks,
  CHUNK_LENGTH,
  CHUNK_TOKENS,
  type ChunkOptions,
  type PromptChunk,
  type PromptTokenizer,
} from './chunks.js';
export { applyEmphasis } from './emphasis.js';
export { encodePrompts, type EncodedPrompts, type PromptInput, type PromptTextEncoder } from './encode.js';
export { textPromptsToWeighted, type TextPrompt, type WeightedPromptPair } from './text-prompts.js';
