import { describe, expect, it } from 'vitest';
import { parsePromptAttention } from './attention.js';
import { textPromptsToWeighted } from './text-prompts.js';

const pairs = (text: string): Array<[string, number]> =>
  parsePromptAttention(text).map((s) => [s.text, s.weight]);

describe('parsePromptAttention (A1111 syntax)', () => {
  // The cases of A1111's own doctest, with its exact float results.
  it('plain text has weight 1', () => {
    expect(pairs('normal text')).toEqual([['normal text', 1]]);
  });
  it('(word) multiplies by 1.1', () => {
    expect(pairs('an (important) word')).toEqual([
      ['an ', 1],
      ['important', 1.1],
      [' word', 1],
    ]);
  });
  it('closes unbalanced brackets at the end', () => {
    expect(pairs('(unbalanced')).toEqual([['unbalanced', 1.1]]);
  });
  it('keeps escaped brackets as text', () => {
    expect(pairs('\\(literal\\]')).toEqual([['(literal]', 1]]);
  });
  it('merges neighbours of equal weight', () => {
    expect(pairs('(unnecessary)(parens)')).toEqual([['unnecessaryparens', 1.1]]);
  });
  it('nests explicit weights, round and square brackets', () => {
    expect(pairs('a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).')).toEqual([
      ['a ', 1],
      ['house', 1.5730000000000004],
      [' ', 1.1],
      ['on', 1],
      [' a ', 1.1],
      ['hill', 0.55],
      [', sun, ', 1.1],
      ['sky', 1.4641000000000006],
      ['.', 1.1],
    ]);
  });
  it('[word] divides by 1.1 and (word:w) sets w', () => {
    expect(pairs('[dim] (bright:1.3) ((x:0.5))')).toEqual([
      ['dim', 1 / 1.1],
      [' ', 1],
      ['bright', 1.3],
      [' ', 1],
      ['x', 0.55],
    ]);
  });
  it('turns BREAK into a marker and keeps a lone colon as text', () => {
    expect(pairs('a cat BREAK ratio 16:9')).toEqual([
      ['a cat', 1],
      ['BREAK', -1],
      ['ratio 16:9', 1],
    ]);
  });
  it('an empty prompt is one empty run', () => {
    expect(pairs('')).toEqual([['', 1]]);
  });
});

describe('textPromptsToWeighted (Stability text_prompts)', () => {
  it('negative weights form the negative prompt, |weight| scales each run', () => {
    const { positive, negative } = textPromptsToWeighted([
      { text: 'a (red) car', weight: 0.5 },
      { text: 'blurry', weight: -1 },
      { text: 'sunset' },
      { text: 'ignored', weight: 0 },
      { text: 'low quality', weight: -0.8 },
    ]);
    expect(positive.map((s) => [s.text, s.weight])).toEqual([
      ['a ', 0.5],
      ['red', 1.1 * 0.5],
      [' car', 0.5],
      [', ', 1],
      ['sunset', 1],
    ]);
    expect(negative.map((s) => [s.text, s.weight])).toEqual([
      ['blurry', 1],
      [', ', 1],
      ['low quality', 0.8],
    ]);
  });
});
