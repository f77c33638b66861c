import { fixText } from './ftfy.js';
import { htmlUnescape } from './html-unescape.js';

/** Python's str.isspace() set (what `\s` and strip() use in CLIP's Python code). */
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WHITESPACE_RUN_RE = new RegExp(`[${PY_SPACE}]+`, 'g');
const STRIP_RE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

function pyStrip(text: string): string {
  return text.replace(STRIP_RE, '');
}

/** CLIP's `whitespace_clean(basic_clean(text)).lower()`. */
export function normalizeClipText(text: string): string {
  let t = fixText(text);
  t = pyStrip(htmlUnescape(htmlUnescape(t)));
  t = pyStrip(t.replace(WHITESPACE_RUN_RE, ' '));
  return t.toLowerCase();
}

/** CLIP's split pattern (Python `regex`, IGNORECASE; the text is already lower-case). */
export const CLIP_SPLIT_RE =
  /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/gu;

/** GPT-2/CLIP bytes_to_unicode: printable bytes keep their code point, the rest map to 256+n. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const chars = new Array<string>(256);
  for (const b of bs) chars[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (chars[b] === undefined) chars[b] = String.fromCharCode(256 + n++);
  }
  return chars;
}

/** The byte-level symbols in CLIP's vocabulary order (bytes_to_unicode().values()). */
export function byteSymbolsInVocabOrder(): string[] {
  const chars = bytesToUnicode();
  const printable: number[] = [];
  const rest: number[] = [];
  for (let b = 0; b < 256; b++) {
    const isPrintable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    (isPrintable ? printable : rest).push(b);
  }
  return [...printable, ...rest].map((b) => chars[b]);
}
