import { HTML5_ENTITIES, INVALID_CHARREFS, INVALID_CODEPOINT_RANGES } from './html-entities.js';

const CHARREF_RE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

function isInvalidCodepoint(cp: number): boolean {
  for (const [lo, hi] of INVALID_CODEPOINT_RANGES) if (cp >= lo && cp <= hi) return true;
  return false;
}

function replaceCharref(ref: string): string {
  if (ref[0] === '#') {
    const hex = ref[1] === 'x' || ref[1] === 'X';
    const digits = ref.slice(hex ? 2 : 1).replace(/;$/, '');
    const num = parseInt(digits, hex ? 16 : 10);
    const invalid = INVALID_CHARREFS[num];
    if (invalid !== undefined) return invalid;
    if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) return '\ufffd';
    if (isInvalidCodepoint(num)) return '';
    return String.fromCodePoint(num);
  }
  const whole = HTML5_ENTITIES[ref];
  if (whole !== undefined) return whole;
  // Longest prefix that is a (legacy, semicolon-less) entity, as the HTML standard says.
  for (let x = ref.length - 1; x > 1; x--) {
    const prefix = HTML5_ENTITIES[ref.slice(0, x)];
    if (prefix !== undefined) return prefix + ref.slice(x);
  }
  return '&' + ref;
}

/** Python's html.unescape: named (HTML5), decimal and hex character references. */
export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF_RE, (_match, ref: string) => replaceCharref(ref));
}

let ftfyEntities: Map<string, string> | null = null;

/** ftfy's entity table: every `&name;` entity, plus upper-cased spellings html.unescape leaves alone. */
function getFtfyEntities(): Map<string, string> {
  if (ftfyEntities) return ftfyEntities;
  const table = new Map<string, string>();
  for (const [name, char] of Object.entries(HTML5_ENTITIES)) {
    if (!name.endsWith(';')) continue;
    table.set('&' + name, char);
    if (name === name.toLowerCase()) {
      const upper = '&' + name.toUpperCase();
      if (htmlUnescape(upper) === upper) table.set(upper, char.toUpperCase());
    }
  }
  ftfyEntities = table;
  return table;
}

const FTFY_ENTITY_RE = /&#?[0-9A-Za-z]{1,24};/g;

/** ftfy.fixes.unescape_html: only complete `&...;` references. */
export function ftfyUnescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  const table = getFtfyEntities();
  return text.replace(FTFY_ENTITY_RE, (ref) => {
    const known = table.get(ref);
    if (known !== undefined) return known;
    if (ref.startsWith('&#')) {
      const unescaped = htmlUnescape(ref);
      return unescaped.includes(';') ? ref : unescaped;
    }
    return ref;
  });
}
