import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdModel } from '../model/index.js';
import { writeTestModel } from '../test-model/index.js';
import { parsePromptAttention } from './attention.js';
import { chunkWeightedText } from './chunks.js';
import { applyEmphasis } from './emphasis.js';
import { encodePrompts } from './encode.js';

let dir: string;
let model: SdModel;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'easel-prompt-'));
  await writeTestModel(dir);
  model = await SdModel.load(dir);
});

afterAll(async () => {
  await model?.release();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('encodePrompts on the test model', () => {
  it('encodes each 75-token chunk separately, concatenates them, and pads shorter prompts with empty chunks', async () => {
    const long = Array.from({ length: 100 }, () => 'red').join(' ');
    const { hidden, count, sequenceLength, hiddenSize } = await encodePrompts(model, ['', long]);
    expect([count, sequenceLength, hiddenSize]).toEqual([2, 154, model.textHiddenSize]);
    const chunkSize = 77 * hiddenSize;
    const [c0, c1] = chunkWeightedText(parsePromptAttention(long), model.tokenizer);
    const empty = chunkWeightedText(parsePromptAttention(''), model.tokenizer)[0];
    const reference = await model.encodeText(
      Int32Array.from([...empty.tokens, ...empty.tokens, ...c0.tokens, ...c1.tokens]),
      4,
    );
    expect(Array.from(hidden)).toEqual(Array.from(reference));
    expect(hidden.length).toBe(4 * chunkSize);
  });

  it('applies attention weights to the hidden states and restores the chunk mean', async () => {
    const plain = await encodePrompts(model, ['a red square']);
    const weighted = await encodePrompts(model, ['a (red:1.5) square']);
    const [chunk] = chunkWeightedText(parsePromptAttention('a (red:1.5) square'), model.tokenizer);
    const expected = Float32Array.from(plain.hidden);
    applyEmphasis(expected, chunk.multipliers, plain.hiddenSize);
    expect(Array.from(weighted.hidden)).toEqual(Array.from(expected));
    const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(weighted.hidden)).toBeCloseTo(mean(plain.hidden), 5);
    expect(Array.from(weighted.hidden)).not.toEqual(Array.from(plain.hidden));
  });
});
