// `npm run bench:web`: builds the dashboard and prints each built asset's raw and gzipped size, the JavaScript
// that index.html loads before anything else (the initial bundle) against the 250 KB gzipped target, and what
// each page adds on top when it is the first one opened (its lazy chunk and the chunks that chunk imports).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWeb, WEB_DIST } from '../tools/web/build-web.mjs';

const TARGET_GZIP = 250 * 1024;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

buildWeb({ force: true, quiet: true });

const assetsDir = path.join(WEB_DIST, 'assets');
const sizes = new Map<string, { raw: number; gzip: number }>();
for (const name of readdirSync(assetsDir).sort()) {
  const bytes = readFileSync(path.join(assetsDir, name));
  sizes.set(name, { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
}

/** A chunk and everything it imports statically (what the browser must fetch before running it). */
function closure(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name) || !sizes.has(name)) return seen;
  seen.add(name);
  const code = readFileSync(path.join(assetsDir, name), 'utf8');
  for (const match of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) closure(match[1], seen);
  return seen;
}
const total = (names: Iterable<string>): { raw: number; gzip: number } => {
  let raw = 0;
  let gzip = 0;
  for (const n of names) {
    raw += sizes.get(n)!.raw;
    gzip += sizes.get(n)!.gzip;
  }
  return { raw, gzip };
};

console.log('asset'.padEnd(44), 'raw'.padStart(10), 'gzip'.padStart(10));
for (const [name, size] of [...sizes].sort((a, b) => b[1].gzip - a[1].gzip)) {
  console.log(name.padEnd(44), kb(size.raw).padStart(10), kb(size.gzip).padStart(10));
}

const html = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
const entries = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
const initial = new Set<string>();
for (const entry of entries) closure(entry, initial);
const initialSize = total(initial);
console.log('');
console.log(`initial JavaScript (index.html: ${[...initial].join(', ')})`);
console.log(`  raw ${kb(initialSize.raw)}, gzip ${kb(initialSize.gzip)}`);
console.log(
  `  ${((initialSize.gzip / TARGET_GZIP) * 100).toFixed(1)}% of the 250 KB gzip target (ratio ${(initialSize.gzip / TARGET_GZIP).toFixed(3)})`,
);

console.log('');
console.log('first page opened: initial + the page chunk and its imports (gzip)');
for (const page of ['sign-in-page', 'generate-page', 'history-page', 'credits-page', 'keys-page']) {
  const chunk = [...sizes.keys()].find((n) => n.startsWith(`${page}-`) && n.endsWith('.js'));
  if (!chunk) continue;
  const all = closure(chunk, new Set(initial));
  const extra = total([...all].filter((n) => !initial.has(n)));
  console.log(`  ${page.padEnd(16)} +${kb(extra.gzip).padStart(9)}  = ${kb(initialSize.gzip + extra.gzip)}`);
}
