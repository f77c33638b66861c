/** A run of prompt text with its attention multiplier. A `BREAK` keyword becomes `{ text: 'BREAK', weight: -1 }`. */
export interface WeightedText {
  text: string;
  weight: number;
}

// The tokens of AUTOMATIC1111's prompt_parser.re_attention, in the same order.
const ATTENTION_TOKEN = /\\\(|\\\)|\\\[|\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|]|[^\\()[\]:]+|:/g;
const BREAK_KEYWORD = /\s*\bBREAK\b\s*/s;
const ROUND_MULTIPLIER = 1.1;
const SQUARE_MULTIPLIER = 1 / 1.1;

/** The BREAK marker: forces the rest of the prompt into a new 75-token chunk. */
export function isBreak(segment: WeightedText): boolean {
  return segment.text === 'BREAK' && segment.weight === -1;
}

/**
 * Parses A1111 attention syntax: `(text)` ×1.1, `[text]` ÷1.1, `(text:1.5)`, nesting, `\(` escapes,
 * unbalanced brackets closed at the end, and `BREAK`. A port of modules/prompt_parser.parse_prompt_attention,
 * including the order of float multiplications, so weights are bit-identical to A1111's.
 */
export function parsePromptAttention(text: string): WeightedText[] {
  const res: WeightedText[] = [];
  const round: number[] = [];
  const square: number[] = [];
  const multiplyRange = (start: number, multiplier: number): void => {
    for (let p = start; p < res.length; p++) res[p].weight *= multiplier;
  };

  for (const m of text.matchAll(ATTENTION_TOKEN)) {
    const token = m[0];
    const weight = m[1];
    if (token.startsWith('\\')) {
      res.push({ text: token.slice(1), weight: 1 });
    } else if (token === '(') {
      round.push(res.length);
    } else if (token === '[') {
      square.push(res.length);
    } else if (weight !== undefined && round.length > 0 && Number.isFinite(Number(weight))) {
      multiplyRange(round.pop()!, Number(weight));
    } else if (token === ')' && round.length > 0) {
      multiplyRange(round.pop()!, ROUND_MULTIPLIER);
    } else if (token === ']' && square.length > 0) {
      multiplyRange(square.pop()!, SQUARE_MULTIPLIER);
    } else {
      token.split(BREAK_KEYWORD).forEach((part, i) => {
        if (i > 0) res.push({ text: 'BREAK', weight: -1 });
        res.push({ text: part, weight: 1 });
      });
    }
  }
  for (const pos of round) multiplyRange(pos, ROUND_MULTIPLIER);
  for (const pos of square) multiplyRange(pos, SQUARE_MULTIPLIER);

  if (res.length === 0) return [{ text: '', weight: 1 }];
  // Merge neighbours with identical weights, as A1111 does.
  for (let i = 0; i + 1 < res.length;) {
    if (res[i].weight === res[i + 1].weight) {
      res[i].text += res[i + 1].text;
      res.splice(i + 1, 1);
    } else {
      i++;
    }
  }
  return res;
}
