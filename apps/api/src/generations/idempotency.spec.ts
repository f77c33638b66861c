import { describe, expect, it } from 'vitest';
import { failureOutcome } from './generation-finalizer.js';
import { checkIdempotencyKey, requestHash } from './idempotency.js';

describe('requestHash', () => {
  it('ignores key order and absent fields, and sees every value and image byte', () => {
    const a = requestHash({ prompt: 'x', seed: 1, outpaint: { left: 64, top: 0 } }, {});
    expect(requestHash({ outpaint: { top: 0, left: 64 }, seed: 1, prompt: 'x', mask: undefined }, {})).toBe(
      a,
    );
    expect(requestHash({ prompt: 'x', seed: 2, outpaint: { left: 64, top: 0 } }, {})).not.toBe(a);
    const withImage = requestHash({ prompt: 'x' }, { initImage: Buffer.from([1, 2, 3]) });
    expect(requestHash({ prompt: 'x' }, { initImage: Buffer.from([1, 2, 4]) })).not.toBe(withImage);
    expect(requestHash({ prompt: 'x' }, { mask: Buffer.from([1, 2, 3]) })).not.toBe(withImage);
  });

  it('accepts visible ASCII keys up to 255 characters only', () => {
    expect(checkIdempotencyKey('order-42:retry')).toBe('order-42:retry');
    expect(() => checkIdempotencyKey('')).toThrow(/Idempotency-Key/);
    expect(() => checkIdempotencyKey('has space')).toThrow(/Idempotency-Key/);
    expect(() => checkIdempotencyKey('k'.repeat(256))).toThrow(/Idempotency-Key/);
  });
});

describe('failureOutcome', () => {
  it('maps the worker codes: canceled → canceled, others → failed with the code as the error name', () => {
    expect(failureOutcome('canceled: generation canceled after 3 steps')).toEqual({
      status: 'canceled',
      error: { name: 'canceled', message: 'generation canceled after 3 steps' },
    });
    expect(failureOutcome('invalid_request: mask is 64x128')).toMatchObject({
      status: 'failed',
      error: { name: 'invalid_request' },
    });
    expect(failureOutcome('job stalled more than allowable limit')).toEqual({
      status: 'failed',
      error: { name: 'pipeline_error', message: 'job stalled more than allowable limit' },
    });
  });
});
