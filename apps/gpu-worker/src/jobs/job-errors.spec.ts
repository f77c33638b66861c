import { CanceledError, InvalidImageError, InvalidRequestError } from '@easel/diffusion';
import { InvalidKeyError } from '@easel/storage';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { classifyError, EngineUnavailable, JobCanceled } from './job-errors.js';
import { InvalidPayloadError } from './to-generation-request.js';

describe('classifyError', () => {
  it.each([
    [new InvalidPayloadError('steps: too small'), 'invalid_request', 'invalid_request: steps: too small'],
    [
      new InvalidRequestError('width', 'not a multiple of 64'),
      'invalid_request',
      'invalid_request: width: not a multiple of 64',
    ],
    [new InvalidImageError('mask', 'size differs'), 'invalid_request', 'invalid_request: mask: size differs'],
    [
      new InvalidKeyError('../x', 'bad'),
      'invalid_request',
      'invalid_request: Invalid object key "../x": bad',
    ],
    [new CanceledError(3), 'canceled', 'canceled: generation canceled after 3 step(s)'],
    [new JobCanceled('before start'), 'canceled', 'canceled: before start'],
    [new EngineUnavailable('gone'), 'engine_unavailable', 'engine_unavailable: gone'],
  ])('fails %s for good', (error, code, message) => {
    const classified = classifyError(error);
    expect(classified.code).toBe(code);
    expect(classified.error).toBeInstanceOf(UnrecoverableError);
    expect(classified.error.message).toBe(message);
  });

  it('leaves other errors to the retries as pipeline_error', () => {
    const cause = new Error('onnxruntime: CUDA out of memory');
    const classified = classifyError(cause);
    expect(classified.code).toBe('pipeline_error');
    expect(classified.error).not.toBeInstanceOf(UnrecoverableError);
    expect(classified.error.message).toBe('pipeline_error: onnxruntime: CUDA out of memory');
    expect(classified.error.cause).toBe(cause);
  });
});
