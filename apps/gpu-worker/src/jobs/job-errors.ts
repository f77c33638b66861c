import type { JobErrorCode } from '@easel/contracts';
import { CanceledError, InvalidImageError, InvalidRequestError } from '@easel/diffusion';
import { InvalidKeyError } from '@easel/storage';
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { InvalidPayloadError } from './to-generation-request.js';

/** A failure the worker classified; the message is `<code>: <detail>` as the contract asks. */
export interface ClassifiedError {
  code: JobErrorCode;
  /** The error the processor throws: UnrecoverableError when retrying cannot help. */
  error: Error;
}

const unrecoverable = (code: JobErrorCode, detail: string): ClassifiedError => ({
  code,
  error: new UnrecoverableError(`${code}: ${detail}`),
});

export class JobCanceled extends Error {
  override readonly name = 'JobCanceled';
}

export class EngineUnavailable extends Error {
  override readonly name = 'EngineUnavailable';
}

/**
 * Invalid input, cancellation and a missing engine fail for good (no attempt can succeed); anything else is a
 * `pipeline_error` BullMQ retries per the job's attempts.
 */
export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof z.ZodError) return unrecoverable('invalid_request', z.prettifyError(error));
  if (
    error instanceof InvalidPayloadError ||
    error instanceof InvalidKeyError ||
    error instanceof InvalidRequestError ||
    error instanceof InvalidImageError
  )
    return unrecoverable('invalid_request', error.message);
  if (error instanceof CanceledError || error instanceof JobCanceled)
    return unrecoverable('canceled', error.message);
  if (error instanceof EngineUnavailable) return unrecoverable('engine_unavailable', error.message);
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'pipeline_error', error: new Error(`pipeline_error: ${message}`, { cause: error }) };
}
