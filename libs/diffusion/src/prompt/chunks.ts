import { isBreak, type WeightedText } from './attention.js';

/** What prompt chunking needs from a CLIP tokenizer (ClipTokenizer satisfies it). */
export interface PromptTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  tokenize(text: string): number[];
}

/** One text-encoder input: 77 ids (bos, ≤75 tokens, eos, padding) and one multiplier per id. */
export interface PromptChunk {
  tokens: number[];
  multipliers: number[];
}

export const CHUNK_TOKENS = 75;
export const CHUNK_LENGTH = CHUNK_TOKENS + 2;

export interface ChunkOptions {
  /** A1111's comma_padding_backtrack: a chunk that fills up within this many tokens after a comma
   * moves the words after the comma to the next chunk. 0 disables it. Default 20, as A1111. */
  commaBacktrack?: number;
}

/**
 * Splits weighted text into 75-token chunks as A1111's FrozenCLIPEmbedderWithCustomWords.tokenize_line does:
 * each chunk is wrapped in bos/eos and padded to 77; BREAK starts a new chunk; an empty prompt is one chunk.
 */
export function chunkWeightedText(
  segments: readonly WeightedText[],
  tokenizer: PromptTokenizer,
  options: ChunkOptions = {},
): PromptChunk[] {
  const backtrack = options.commaBacktrack ?? 20;
  const commaIds = tokenizer.tokenize(',');
  const commaId = commaIds.length === 1 ? commaIds[0] : -1;
  const chunks: PromptChunk[] = [];
  let tokens: number[] = [];
  let multipliers: number[] = [];
  let lastComma = -1;

  const closeChunk = (): void => {
    const padding = CHUNK_TOKENS - tokens.length;
    chunks.push({
      tokens: [
        tokenizer.bosId,
        ...tokens,
        tokenizer.eosId,
        ...new Array<number>(padding).fill(tokenizer.padId),
      ],
      multipliers: [1, ...multipliers, 1, ...new Array<number>(padding).fill(1)],
    });
    tokens = [];
    multipliers = [];
    lastComma = -1;
  };

  for (const segment of segments) {
    if (isBreak(segment)) {
      closeChunk();
      continue;
    }
    for (const token of tokenizer.tokenize(segment.text)) {
      if (token === commaId) {
        lastComma = tokens.length;
      } else if (
        backtrack !== 0 &&
        tokens.length === CHUNK_TOKENS &&
        lastComma !== -1 &&
        tokens.length - lastComma <= backtrack
      ) {
        const moved = tokens.splice(lastComma + 1);
        const movedMultipliers = multipliers.splice(lastComma + 1);
        closeChunk();
        tokens = moved;
        multipliers = movedMultipliers;
      }
      if (tokens.length === CHUNK_TOKENS) closeChunk();
      tokens.push(token);
      multipliers.push(segment.weight);
    }
  }
  if (tokens.length > 0 || chunks.length === 0) closeChunk();
  return chunks;
}

/** Appends empty-prompt chunks until `chunks` has `count` of them (A1111 pads cond/uncond the same way). */
export function padChunks(chunks: PromptChunk[], count: number, tokenizer: PromptTokenizer): PromptChunk[] {
  const out = [...chunks];
  while (out.length < count) out.push(...chunkWeightedText([{ text: '', weight: 1 }], tokenizer));
  return out;
}
