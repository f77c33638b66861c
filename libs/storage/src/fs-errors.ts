/** Node fs error codes meaning "there is no file at this path" (including a folder standing in the way). */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

export function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && MISSING.has(code);
}

/** Runs `read`, mapping "no such file" to null and rethrowing anything else. */
export async function orNullIfMissing<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}
