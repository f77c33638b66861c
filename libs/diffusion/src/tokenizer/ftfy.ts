/**
 * The parts of ftfy.fix_text (6.x, default config) that change CLIP prompts, in ftfy's order:
 * HTML entities (unless the line has '<'), mojibake (UTF-8 read as Latin-1 / Windows-1252),
 * C1 controls, Latin ligatures, full-width characters, curly quotes, line breaks, lone
 * surrogates, terminal escapes, control characters, NFC; repeated until nothing changes.
 * Mojibake detection is simpler than ftfy's badness heuristic: a sequence is fixed when it
 * has the shape of UTF-8 bytes shown as Latin-1/cp1252 and decodes as valid UTF-8.
 */
import { ftfyUnescapeHtml } from './html-unescape.js';
import { INVALID_CHARREFS } from './html-entities.js';

/** "Sloppy" Windows-1252 for bytes 0x80..0x9f (undefined bytes map to the same C1 code point). */
const CP1252_HIGH: string[] = Array.from({ length: 32 }, (_, i) => INVALID_CHARREFS[0x80 + i]);
const CP1252_ENCODE = new Map<string, number>(CP1252_HIGH.map((ch, i) => [ch, 0x80 + i]));

const CONT = `\\u0080-\\u00bf${CP1252_HIGH.filter((c) => c.charCodeAt(0) > 0xff).join('')}`;
const UTF8_MOJIBAKE_RE = new RegExp(
  `[\\u00c2-\\u00df][${CONT}]|[\\u00e0-\\u00ef][${CONT}]{2}|[\\u00f0-\\u00f4][${CONT}]{3}`,
  'g',
);
const UTF8_MOJIBAKE_TEST = new RegExp(UTF8_MOJIBAKE_RE.source);
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function encodeSingleByte(text: string, sloppy1252: boolean): Uint8Array | null {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const mapped = sloppy1252 ? CP1252_ENCODE.get(text[i]) : undefined;
    if (mapped !== undefined) out[i] = mapped;
    else if (code < 0x100 && (!sloppy1252 || code < 0x80 || code > 0x9f)) out[i] = code;
    else return null;
  }
  return out;
}

function redecodeAsUtf8(text: string): string | null {
  for (const sloppy of [false, true]) {
    const bytes = encodeSingleByte(text, sloppy);
    if (!bytes) continue;
    try {
      return utf8Strict.decode(bytes);
    } catch {
      // not UTF-8 in this encoding; try the next one
    }
  }
  return null;
}

function fixEncoding(text: string): string {
  for (;;) {
    if (!UTF8_MOJIBAKE_TEST.test(text)) return text;
    const whole = redecodeAsUtf8(text);
    const fixed =
      whole ??
      text.replace(UTF8_MOJIBAKE_RE, (seq) => (seq.length < text.length ? redecodeAsUtf8(seq) : null) ?? seq);
    if (fixed === text) return text;
    text = fixed;
  }
}

const C1_RE = /[\u0080-\u009f]/g;
const LIGATURES: Record<string, string> = {
  Ĳ: 'IJ',
  ĳ: 'ij',
  ŉ: 'ʼn',
  Ǳ: 'DZ',
  ǲ: 'Dz',
  ǳ: 'dz',
  Ǆ: 'DŽ',
  ǅ: 'Dž',
  ǆ: 'dž',
  Ǉ: 'LJ',
  ǈ: 'Lj',
  ǉ: 'lj',
  Ǌ: 'NJ',
  ǋ: 'Nj',
  ǌ: 'nj',
  ﬀ: 'ff',
  ﬁ: 'fi',
  ﬂ: 'fl',
  ﬃ: 'ffi',
  ﬄ: 'ffl',
  ﬅ: 'ſt',
  ﬆ: 'st',
};
const LIGATURE_RE = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'g');
const WIDTH_RE = /[\u3000\uff01-\uffef]/g;
const widthMap = new Map<string, string>([['\u3000', ' ']]);
for (let cp = 0xff01; cp < 0xfff0; cp++) {
  const ch = String.fromCharCode(cp);
  const alt = ch.normalize('NFKC');
  if (alt !== ch) widthMap.set(ch, alt);
}
const SINGLE_QUOTE_RE = /[\u02bc\u2018-\u201b]/g;
const DOUBLE_QUOTE_RE = /[\u201c-\u201f]/g;
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ANSI_RE = /\x1b\[((?:\d|;)*)([a-zA-Z])/g; // eslint-disable-line no-control-regex
const CONTROL_RE = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g; // eslint-disable-line no-control-regex

function fixSegment(text: string, unescapeHtml: boolean): string {
  for (;;) {
    const before = text;
    if (unescapeHtml) text = ftfyUnescapeHtml(text);
    text = fixEncoding(text);
    text = text.replace(C1_RE, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
    text = text.replace(LIGATURE_RE, (c) => LIGATURES[c]);
    text = text.replace(WIDTH_RE, (c) => widthMap.get(c) ?? c);
    text = text.replace(SINGLE_QUOTE_RE, "'").replace(DOUBLE_QUOTE_RE, '"');
    text = text.replace(/\r\n/g, '\n').replace(/[\r\u2028\u2029\u0085]/g, '\n');
    text = text.replace(LONE_SURROGATE_RE, '\ufffd');
    text = text.replace(ANSI_RE, '');
    text = text.replace(CONTROL_RE, '');
    text = text.normalize('NFC');
    if (text === before) return text;
  }
}

/** ftfy.fix_text with its default configuration (see the module comment for what is covered). */
export function fixText(text: string): string {
  let unescapeHtml = true;
  let out = '';
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl + 1;
    const segment = text.slice(pos, end);
    // ftfy's "auto" mode: once a line contains '<', it stops decoding entities (HTML-ish input).
    if (unescapeHtml && segment.includes('<')) unescapeHtml = false;
    out += fixSegment(segment, unescapeHtml);
    pos = end;
  }
  return out;
}
