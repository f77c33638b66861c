import { DomainError } from './domain-errors.js';

/** What went wrong reading a multipart body, in words a client can act on; undefined for our own errors. */
export function multipartProblem(error: unknown): { tooLarge: boolean; message: string } | undefined {
  if (error instanceof DomainError) return undefined;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE')
    return { tooLarge: true, message: 'an uploaded file is larger than the limit' };
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return { tooLarge: false, message: 'the form has too many parts' };
  // Everything else thrown while the parts are read is the parser refusing the bytes (no boundary, cut short,
  // no closing delimiter, …): the client's mistake, never a 500.
  const detail = error instanceof Error && error.message ? `: ${error.message}` : '';
  return { tooLarge: false, message: `malformed multipart/form-data body${detail}` };
}
