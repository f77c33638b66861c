import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer, TokenizerError, normalizeClipText } from './index.js';
import { fixturePath } from '../../../../test/support/fixtures.js';

const bpePath = fixturePath('clip/bpe_simple_vocab_16e6.txt.gz');

interface PromptCase {
  prompt: string;
  tokens_unpadded: number[];
  bpe_strings: string[];
  truncated: boolean;
  ids_sd1: number[];
}
interface TokenizerFixture {
  vocab_size: number;
  known_ids: Record<string, number>;
  prompts: PromptCase[];
}
const fixture = JSON.parse(
  readFileSync(fixturePath('oracle/clip_tokenizer.json'), 'utf8'),
) as TokenizerFixture;

describe('ClipTokenizer (CLIP bpe_simple_vocab_16e6)', () => {
  let tok: ClipTokenizer;
  beforeAll(async () => {
    tok = await ClipTokenizer.fromBpeFile(bpePath);
  });

  it('derives the 49,408-entry vocabulary and special ids', () => {
    expect(tok.vocabSize).toBe(fixture.vocab_size);
    expect(tok.bosId).toBe(49406);
    expect(tok.eosId).toBe(49407);
    expect(tok.padId).toBe(49407);
    expect(tok.maxLength).toBe(77);
    for (const [piece, id] of Object.entries(fixture.known_ids)) {
      if (piece.startsWith('<|')) continue;
      const ids = tok.tokenize(piece.replace('</w>', ''));
      if (piece.endsWith('</w>')) expect(ids).toEqual([id]);
    }
  });

  for (const c of fixture.prompts) {
    it(`encodes ${JSON.stringify(c.prompt).slice(0, 60)}`, () => {
      expect(tok.bpeStrings(c.prompt)).toEqual(c.bpe_strings);
      expect(tok.tokenize(c.prompt)).toEqual(c.tokens_unpadded);
      expect(tok.encode(c.prompt)).toEqual(c.ids_sd1);
    });
  }

  it('truncates to 75 tokens between start and end', () => {
    const ids = tok.encode(Array.from({ length: 100 }, (_, i) => `word${i % 10}`).join(' '));
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(49406);
    expect(ids[76]).toBe(49407);
    expect(ids.slice(1, 76)).toEqual(
      tok.tokenize(Array.from({ length: 100 }, (_, i) => `word${i % 10}`).join(' ')).slice(0, 75),
    );
  });

  it('normalises like CLIP: curly quotes, HTML entities (twice), whitespace, case, ligatures, full width', () => {
    expect(normalizeClipText('\u201cIt\u2019s\u201d')).toBe('"it\'s"');
    expect(normalizeClipText('Tom &amp;amp; Jerry &lt;3')).toBe('tom & jerry <3');
    expect(normalizeClipText('  A\u00a0\tB\n\nC  ')).toBe('a b c');
    expect(normalizeClipText('\ufb01ne ＡＢＣ１')).toBe('fine abc1');
    expect(normalizeClipText('caf\u00c3\u00a9')).toBe('caf\u00e9'); // UTF-8 mojibake
    expect(normalizeClipText('e\u0301')).toBe('\u00e9'); // NFC
    expect(tok.encode('\u201cIt\u2019s\u201d')).toEqual(tok.encode('"it\'s"'));
  });

  it('keeps typed special tokens as their ids', () => {
    expect(tok.tokenize('a <|endoftext|> b')).toEqual([320, 49407, 321]);
  });
});

describe('ClipTokenizer from vocab.json + merges.txt (small vocabulary)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'easel-tok-'));
    const vocab: Record<string, number> = { '!': 0, a: 1, b: 2, c: 3, 'a</w>': 4, 'b</w>': 5, 'c</w>': 6 };
    vocab['ab</w>'] = 7;
    vocab['ca'] = 8;
    vocab['cab</w>'] = 9;
    vocab['<|startoftext|>'] = 10;
    vocab['<|endoftext|>'] = 11;
    writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(vocab));
    writeFileSync(path.join(dir, 'merges.txt'), '#version: 0.2\nc a\nca b</w>\na b</w>\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads special ids from the vocabulary and pads with the end id', async () => {
    const tok = await ClipTokenizer.fromFiles(path.join(dir, 'vocab.json'), path.join(dir, 'merges.txt'));
    expect([tok.bosId, tok.eosId, tok.padId]).toEqual([10, 11, 11]);
    expect(tok.bpeStrings('AB cab c')).toEqual(['ab</w>', 'cab</w>', 'c</w>']);
    expect(tok.tokenize('AB cab c')).toEqual([7, 9, 6]);
    // 'd' is not in the vocabulary: unknown symbols map to <|endoftext|> like HF's CLIPTokenizer.
    expect(tok.tokenize('d')).toEqual([11]);
    const ids = tok.encode('ab');
    expect(ids.slice(0, 4)).toEqual([10, 7, 11, 11]);
    expect(ids).toHaveLength(77);
    expect(
      ClipTokenizer.fromFilesSync(path.join(dir, 'vocab.json'), path.join(dir, 'merges.txt')).encode('ab'),
    ).toEqual(ids);
  });

  it('accepts a BOM and Windows line ends', () => {
    const vocab = readFileSync(path.join(dir, 'vocab.json'), 'utf8');
    writeFileSync(path.join(dir, 'vocab-bom.json'), '\uFEFF' + vocab);
    writeFileSync(path.join(dir, 'merges-crlf.txt'), '#version: 0.2\r\nc a\r\nca b</w>\r\na b</w>\r\n');
    const tok = ClipTokenizer.fromFilesSync(
      path.join(dir, 'vocab-bom.json'),
      path.join(dir, 'merges-crlf.txt'),
    );
    expect(tok.tokenize('AB cab c')).toEqual([7, 9, 6]);
  });

  it('rejects a vocabulary without special tokens', () => {
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ a: 0 }));
    expect(() =>
      ClipTokenizer.fromFilesSync(path.join(dir, 'bad.json'), path.join(dir, 'merges.txt')),
    ).toThrow(TokenizerError);
  });
});
