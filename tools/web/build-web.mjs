// Builds the dashboard (apps/web → apps/web/dist) when dist is missing or older than anything it is built from.
// Used by `npm start`, the browser tests and bench:web, so none of them serves a stale bundle.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
export const WEB_DIR = path.join(root, 'apps', 'web');
export const WEB_DIST = path.join(WEB_DIR, 'dist');
const SOURCES = [
  'apps/web/src',
  'apps/web/public',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'apps/web/package.json',
  'libs/sdk/src',
  'libs/contracts/src',
];

function newestMtime(file) {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, entry)));
  return newest;
}

/** Why a build is needed, or null when dist is current. */
export function webBuildReason() {
  const index = path.join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return 'apps/web/dist is missing';
  const built = statSync(index).mtimeMs;
  const stale = SOURCES.find((source) => newestMtime(path.join(root, source)) > built);
  return stale ? `${stale} changed since the last build` : null;
}

/** Runs `vite build` in apps/web (always when `force`); throws with Vite's output when it fails. */
export function buildWeb({ force = false, quiet = false } = {}) {
  const reason = force ? 'asked to' : webBuildReason();
  if (!reason) return false;
  if (!quiet) console.log(`Building the dashboard (${reason})…`);
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', quiet ? 'warn' : 'info'], {
    cwd: WEB_DIR,
    encoding: 'utf8',
    stdio: quiet ? 'pipe' : 'inherit',
  });
  if (result.status !== 0) {
    throw new Error(
      `vite build failed (${result.status ?? result.signal})\n${result.stdout ?? ''}${result.stderr ?? ''}`,
    );
  }
  return true;
}
