import { beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../tokenizer/index.js';
import { parsePromptAttention } from './attention.js';
import { chunkWeightedText, padChunks } from './chunks.js';
import { fixturePath } from '../../../../test/support/fixtures.js';

const BOS = 49406;
const EOS = 49407;
let tokenizer: ClipTokenizer;

beforeAll(async () => {
  tokenizer = await ClipTokenizer.fromBpeFile(fixturePath('clip/bpe_simple_vocab_16e6.txt.gz'));
});

describe('chunkWeightedText (A1111 tokenize_line) with the SD 1.x tokenizer', () => {
  it('wraps a short prompt in bos/eos, pads to 77 and carries weights per token', () => {
    const [chunk, ...rest] = chunkWeightedText(parsePromptAttention('a (photo:1.5) of [cat]'), tokenizer);
    expect(rest).toEqual([]);
    const ids = tokenizer.tokenize('a photo of cat');
    expect(chunk.tokens).toEqual([BOS, ...ids, EOS, ...new Array(75 - ids.length).fill(EOS)]);
    expect(chunk.multipliers.slice(0, 6)).toEqual([1, 1, 1.5, 1, 1 / 1.1, 1]);
    expect(chunk.multipliers.slice(6)).toEqual(new Array(71).fill(1));
  });

  it('splits long prompts into chunks of 75 and moves words after a late comma to the next chunk', () => {
    const words =
      Array.from({ length: 70 }, () => 'cat').join(' ') +
      ', ' +
      Array.from({ length: 10 }, () => 'dog').join(' ');
    const chunks = chunkWeightedText(parsePromptAttention(words), tokenizer);
    const cat = tokenizer.tokenize('cat')[0];
    const dog = tokenizer.tokenize('dog')[0];
    const comma = tokenizer.tokenize(',')[0];
    expect(chunks).toHaveLength(2);
    // 70 cats + comma + 4 dogs fill 75; the comma is within 20 tokens, so the 4 dogs move on.
    expect(chunks[0].tokens).toEqual([
      BOS,
      ...new Array(70).fill(cat),
      comma,
      EOS,
      ...new Array(4).fill(EOS),
    ]);
    expect(chunks[1].tokens.slice(0, 12)).toEqual([BOS, ...new Array(10).fill(dog), EOS]);
    expect(chunks.every((c) => c.tokens.length === 77 && c.multipliers.length === 77)).toBe(true);
  });

  it('starts a new chunk at BREAK and pads chunk lists with empty chunks', () => {
    const chunks = chunkWeightedText(parsePromptAttention('red BREAK blue'), tokenizer);
    expect(chunks.map((c) => c.tokens.slice(0, 3))).toEqual([
      [BOS, tokenizer.tokenize('red')[0], EOS],
      [BOS, tokenizer.tokenize('blue')[0], EOS],
    ]);
    const padded = padChunks(chunks.slice(0, 1), 3, tokenizer);
    expect(padded).toHaveLength(3);
    expect(padded[2].tokens).toEqual([BOS, ...new Array(76).fill(EOS)]);
  });
});
