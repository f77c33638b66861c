/**
 * A small byte-level BPE vocabulary in CLIP's file format: the 256 byte
 * symbols (GPT-2's byte→unicode table, in CLIP's order), the same with
 * `</w>`, merges that spell out a few common prompt words, then
 * `<|startoftext|>` and `<|endoftext|>` last, as in CLIP's 49408-entry vocab.
 */
const WORDS = [
  'the',
  'of',
  'and',
  'photo',
  'cat',
  'dog',
  'astronaut',
  'riding',
  'horse',
  'on',
  'mars',
  'portrait',
  'painting',
  'red',
  'blue',
  'high',
  'quality',
];

/** GPT-2/CLIP bytes_to_unicode, as an ordered list of [byte, char]. */
export function bytesToUnicode(): Array<[number, string]> {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return bs.map((b, i) => [b, String.fromCodePoint(cs[i])]);
}

/** Left-to-right merges that build each word, e.g. "c a", "ca t</w>". */
export function wordMerges(words: readonly string[] = WORDS): Array<[string, string]> {
  const merges: Array<[string, string]> = [];
  const seen = new Set<string>();
  for (const word of words) {
    const symbols = [...word];
    symbols[symbols.length - 1] += '</w>';
    let left = symbols[0];
    for (const right of symbols.slice(1)) {
      const key = `${left} ${right}`;
      if (!seen.has(key)) {
        seen.add(key);
        merges.push([left, right]);
      }
      left += right;
    }
  }
  return merges;
}

export function buildTokenizerFiles(): { vocab: Record<string, number>; merges: string; vocabSize: number } {
  const symbols = bytesToUnicode().map(([, ch]) => ch);
  const tokens = [...symbols, ...symbols.map((s) => `${s}</w>`)];
  const merges = wordMerges();
  for (const [a, b] of merges) tokens.push(a + b);
  tokens.push('<|startoftext|>', '<|endoftext|>');
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] = i));
  const text = ['#version: 0.2', ...merges.map(([a, b]) => `${a} ${b}`)].join('\n') + '\n';
  return { vocab, merges: text, vocabSize: tokens.length };
}
