import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';

import { errorCode } from './fs-errors.js';

/**
 * Writes `bytes` to `target` so that readers see the old file or the whole new one, never a
 * prefix: the data goes to a synced temp file in `tmpDir` (same filesystem) and is renamed over.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array, tmpDir: string): Promise<void> {
  await mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameCreatingParents(tmp, target);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}

// A concurrent delete may prune the (then empty) parent folder between mkdir and rename: retry.
async function renameCreatingParents(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await mkdir(path.dirname(to), { recursive: true });
    try {
      await rename(from, to);
      return;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' || attempt === 3) throw error;
    }
  }
}

/** Removes empty folders from `dir` up to (not including) `stopAt`; stops at the first non-empty one. */
export async function pruneEmptyDirs(dir: string, stopAt: string): Promise<void> {
  let current = dir;
  while (current.startsWith(stopAt + path.sep)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty, already gone or busy: nothing more to prune
    }
    current = path.dirname(current);
  }
}
