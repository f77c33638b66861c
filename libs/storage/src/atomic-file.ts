import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';

import { errorCode } from './fs-errors.js';

/**
 * Writes each file so that readers see the old file or the whole new one, never a prefix, renaming them into
 * place in the order given (an object's metadata before the object). The temp files (same filesystem, in
 * `tmpDir`; flushed to disk unless `sync: false`) and the target folders are prepared in parallel: each step is
 * a thread-pool round trip, and on a busy machine every round trip waits for a CPU.
 */
export async function writeFilesAtomic(
  files: ReadonlyArray<{ target: string; bytes: Uint8Array; sync?: boolean }>,
  tmpDir: string,
): Promise<void> {
  const prepared = await Promise.allSettled([
    ...files.map((f) => writeTemp(f.bytes, tmpDir, f.sync ?? true)),
    ...[...new Set(files.map((f) => path.dirname(f.target)))].map((dir) => mkdir(dir, { recursive: true })),
  ]);
  const temps = prepared
    .slice(0, files.length)
    .map((r) => (r.status === 'fulfilled' ? (r.value as string) : null));
  try {
    const failed = prepared.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const [i, file] of files.entries()) {
      await renameCreatingParents(temps[i]!, file.target);
      temps[i] = null;
    }
  } catch (error) {
    await Promise.all(temps.filter((tmp) => tmp !== null).map((tmp) => unlink(tmp).catch(() => undefined)));
    throw error;
  }
}

/** `sync`: flushed to disk before the rename (skip it only for a file whose loss does no harm). */
async function writeTemp(bytes: Uint8Array, tmpDir: string, sync: boolean): Promise<string> {
  const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}.tmp`);
  // The temp folder is made only when missing (first write, or removed since): not a syscall per write.
  const handle = await open(tmp, 'wx', 0o644).catch(async (error: unknown) => {
    if (errorCode(error) !== 'ENOENT') throw error;
    await mkdir(tmpDir, { recursive: true });
    return open(tmp, 'wx', 0o644);
  });
  try {
    try {
      await handle.writeFile(bytes);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    return tmp;
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}

// The target folder was made just before; a concurrent delete may prune it (then empty) before the rename: retry.
async function renameCreatingParents(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT' || attempt === 3) throw error;
    }
    await mkdir(path.dirname(to), { recursive: true });
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
