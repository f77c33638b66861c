import { parsePromptAttention, type WeightedText } from './attention.js';
import {
  CHUNK_LENGTH,
  chunkWeightedText,
  padChunks,
  type ChunkOptions,
  type PromptTokenizer,
} from './chunks.js';
import { applyEmphasis } from './emphasis.js';

/** What prompt encoding needs from the model (SdModel satisfies it). */
export interface PromptTextEncoder {
  readonly tokenizer: PromptTokenizer;
  readonly textHiddenSize: number;
  encodeText(ids: Int32Array, batch: number): Promise<Float32Array>;
}

/** Hidden states of several prompts, all with the same length: [count, sequenceLength, hiddenSize]. */
export interface EncodedPrompts {
  hidden: Float32Array;
  count: number;
  sequenceLength: number;
  hiddenSize: number;
}

/** A prompt as plain A1111-syntax text or as already-weighted runs. */
export type PromptInput = string | readonly WeightedText[];

/**
 * Encodes prompts as A1111 does: attention weights, 75-token chunks encoded separately and concatenated along
 * the sequence axis, every prompt padded with empty chunks to the longest one so they can share a UNet batch.
 */
export async function encodePrompts(
  encoder: PromptTextEncoder,
  prompts: readonly PromptInput[],
  options: ChunkOptions = {},
): Promise<EncodedPrompts> {
  const tokenizer = encoder.tokenizer;
  const perPrompt = prompts.map((p) =>
    chunkWeightedText(typeof p === 'string' ? parsePromptAttention(p) : p, tokenizer, options),
  );
  const chunkCount = Math.max(...perPrompt.map((c) => c.length));
  const chunks = perPrompt.flatMap((c) => padChunks(c, chunkCount, tokenizer));
  const ids = new Int32Array(chunks.length * CHUNK_LENGTH);
  chunks.forEach((chunk, i) => ids.set(chunk.tokens, i * CHUNK_LENGTH));

  const hiddenSize = encoder.textHiddenSize;
  const hidden = await encoder.encodeText(ids, chunks.length);
  const chunkSize = CHUNK_LENGTH * hiddenSize;
  if (hidden.length !== chunks.length * chunkSize) {
    throw new RangeError(
      `text encoder returned ${hidden.length} values, expected ${chunks.length * chunkSize}`,
    );
  }
  // Batch index p·K+k of the encoder output is exactly chunk k of prompt p in the concatenated layout.
  chunks.forEach((chunk, i) => {
    applyEmphasis(hidden.subarray(i * chunkSize, (i + 1) * chunkSize), chunk.multipliers, hiddenSize);
  });
  return { hidden, count: prompts.length, sequenceLength: chunkCount * CHUNK_LENGTH, hiddenSize };
}
