import { parsePromptAttention, type WeightedText } from './attention.js';

/** Stability v1's `text_prompts` entry. */
export interface TextPrompt {
  text: string;
  weight?: number;
}

export interface WeightedPromptPair {
  positive: WeightedText[];
  negative: WeightedText[];
}

const SEPARATOR: WeightedText = { text: ', ', weight: 1 };

/**
 * Stability's weighted prompts → one positive and one negative prompt. Prompts with a negative weight form the
 * negative prompt (weight 0 drops a prompt); every prompt keeps its own A1111 attention syntax and has its runs multiplied by |weight|,
 * and the prompts of each side are joined with ", " in the given order.
 */
export function textPromptsToWeighted(prompts: readonly TextPrompt[]): WeightedPromptPair {
  const positive: WeightedText[] = [];
  const negative: WeightedText[] = [];
  for (const prompt of prompts) {
    const weight = prompt.weight ?? 1;
    if (weight === 0) continue;
    const side = weight < 0 ? negative : positive;
    if (side.length > 0) side.push({ ...SEPARATOR });
    for (const run of parsePromptAttention(prompt.text)) {
      side.push(run.weight === -1 ? run : { text: run.text, weight: run.weight * Math.abs(weight) });
    }
  }
  return { positive, negative };
}
