import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CLIP_SPLIT_RE, byteSymbolsInVocabOrder, bytesToUnicode, normalizeClipText } from './normalize.js';

const BOS_TOKEN = '<|startoftext|>';
const EOS_TOKEN = '<|endoftext|>';
const WORD_END = '</w>';
/** CLIP's merge list is cut to 49152 - 256 - 2 entries (lines 1..48894 after the header). */
const MAX_MERGES = 49152 - 256 - 2;
const CONTEXT_LENGTH = 77;
/** Bound on cached words so a long-running worker does not grow without limit. */
const CACHE_LIMIT = 50_000;

export class TokenizerError extends Error {
  override readonly name = 'TokenizerError';
}

const BYTE_ENCODER = bytesToUnicode();
const utf8 = new TextEncoder();

/** Parse merges text: skips a leading `#version` header line, keeps at most CLIP's merge count. */
export function parseMerges(text: string, skipFirstLine: boolean): [string, string][] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n');
  const body = skipFirstLine || lines[0]?.startsWith('#') ? lines.slice(1) : lines;
  const merges: [string, string][] = [];
  for (const line of body.slice(0, MAX_MERGES)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 2) throw new TokenizerError(`malformed merge line: ${JSON.stringify(line)}`);
    merges.push([parts[0], parts[1]]);
  }
  return merges;
}

/**
 * OpenAI CLIP's byte-level BPE tokenizer as Stable Diffusion 1.x uses it
 * (same normalisation, split pattern, `</w>` word ends and special tokens).
 */
export class ClipTokenizer {
  readonly maxLength = CONTEXT_LENGTH;
  readonly bosId: number;
  readonly eosId: number;
  /** SD 1.x pads with <|endoftext|>. */
  readonly padId: number;
  readonly vocabSize: number;
  private readonly encoder: Map<string, number>;
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();

  constructor(
    vocab: Readonly<Record<string, number>> | ReadonlyMap<string, number>,
    merges: readonly (readonly [string, string])[],
  ) {
    const entries: Iterable<[string, number]> =
      vocab instanceof Map ? (vocab as ReadonlyMap<string, number>).entries() : Object.entries(vocab);
    this.encoder = new Map(entries);
    this.vocabSize = this.encoder.size;
    const bos = this.encoder.get(BOS_TOKEN);
    const eos = this.encoder.get(EOS_TOKEN);
    if (bos === undefined || eos === undefined) {
      throw new TokenizerError(`vocabulary lacks ${BOS_TOKEN} or ${EOS_TOKEN}`);
    }
    this.bosId = bos;
    this.eosId = eos;
    this.padId = eos;
    merges.forEach(([a, b], rank) => {
      const key = `${a} ${b}`;
      if (!this.ranks.has(key)) this.ranks.set(key, rank);
    });
  }

  /** From a model folder's tokenizer/vocab.json + merges.txt (Hugging Face layout). */
  static async fromFiles(vocabJsonPath: string, mergesPath: string): Promise<ClipTokenizer> {
    const [vocabText, mergesText] = await Promise.all([
      readFile(vocabJsonPath, 'utf8'),
      readFile(mergesPath, 'utf8'),
    ]);
    return ClipTokenizer.fromStrings(vocabText, mergesText, vocabJsonPath);
  }

  static fromFilesSync(vocabJsonPath: string, mergesPath: string): ClipTokenizer {
    return ClipTokenizer.fromStrings(
      readFileSync(vocabJsonPath, 'utf8'),
      readFileSync(mergesPath, 'utf8'),
      vocabJsonPath,
    );
  }

  /** From CLIP's gzipped merge list (bpe_simple_vocab_16e6.txt.gz); the vocabulary is derived from it. */
  static async fromBpeFile(gzippedMergesPath: string): Promise<ClipTokenizer> {
    return ClipTokenizer.fromBpeBuffer(await readFile(gzippedMergesPath));
  }

  static fromBpeFileSync(gzippedMergesPath: string): ClipTokenizer {
    return ClipTokenizer.fromBpeBuffer(readFileSync(gzippedMergesPath));
  }

  private static fromBpeBuffer(gz: Buffer): ClipTokenizer {
    const merges = parseMerges(gunzipSync(gz).toString('utf8'), true);
    const symbols = byteSymbolsInVocabOrder();
    const words = [
      ...symbols,
      ...symbols.map((s) => s + WORD_END),
      ...merges.map(([a, b]) => a + b),
      BOS_TOKEN,
      EOS_TOKEN,
    ];
    return new ClipTokenizer(new Map(words.map((w, i) => [w, i])), merges);
  }

  private static fromStrings(vocabText: string, mergesText: string, source: string): ClipTokenizer {
    let vocab: unknown;
    try {
      vocab = JSON.parse(vocabText.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new TokenizerError(`${source}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof vocab !== 'object' || vocab === null || Array.isArray(vocab)) {
      throw new TokenizerError(`${source}: expected an object of token → id`);
    }
    const entries = Object.entries(vocab as Record<string, unknown>);
    for (const [token, id] of entries) {
      if (!Number.isInteger(id))
        throw new TokenizerError(`${source}: id of ${JSON.stringify(token)} is not an integer`);
    }
    return new ClipTokenizer(new Map(entries as [string, number][]), parseMerges(mergesText, false));
  }

  /** BPE ids of the text alone: no start/end tokens, no truncation. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    const unk = this.eosId; // HF's CLIPTokenizer maps unknown symbols to unk_token = <|endoftext|>
    for (const piece of this.bpeStrings(text)) ids.push(this.encoder.get(piece) ?? unk);
    return ids;
  }

  /** The BPE strings (vocabulary keys) of the text, e.g. ["a</w>", "photo</w>"]. */
  bpeStrings(text: string): string[] {
    const out: string[] = [];
    for (const match of normalizeClipText(text).matchAll(CLIP_SPLIT_RE)) {
      let symbols = '';
      for (const byte of utf8.encode(match[0])) symbols += BYTE_ENCODER[byte];
      for (const piece of this.bpe(symbols)) out.push(piece);
    }
    return out;
  }

  /** Stable Diffusion 1.x input ids: [bos, ≤75 ids, eos, pad…], length 77. */
  encode(text: string): number[] {
    const ids = this.tokenize(text).slice(0, this.maxLength - 2);
    const out = [this.bosId, ...ids, this.eosId];
    while (out.length < this.maxLength) out.push(this.padId);
    return out;
  }

  private bpe(token: string): string[] {
    // CLIP seeds its cache with the special tokens so typed specials map to their ids.
    if (token === BOS_TOKEN || token === EOS_TOKEN) return [token];
    const cached = this.cache.get(token);
    if (cached) return cached;
    let word = [...token.slice(0, -1), token.slice(-1) + WORD_END];
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < word.length - 1; i++) {
        const rank = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      const first = word[best];
      const second = word[best + 1];
      // Merge every occurrence of the best pair, left to right, as CLIP's loop does.
      const merged: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
          merged.push(first + second);
          i++;
        } else {
          merged.push(word[i]);
        }
      }
      word = merged;
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(token, word);
    return word;
  }
}
