import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './errors.js';
import { DEFAULT_RETRY, retryableStatus, retryDelayMs, sleep } from './retry.js';

describe('retry policy', () => {
  it('retries 429 always; 5xx and 408 only when the request is idempotent; never other 4xx', () => {
    expect(retryableStatus(429, false)).toBe(true);
    expect(retryableStatus(503, false)).toBe(false);
    expect(retryableStatus(503, true)).toBe(true);
    expect(retryableStatus(500, true)).toBe(true);
    expect(retryableStatus(402, true)).toBe(false);
    expect(retryableStatus(409, true)).toBe(false);
  });

  it('backs off exponentially with jitter between half and all of the step, capped', () => {
    expect(retryDelayMs(0, null, DEFAULT_RETRY, () => 0)).toBe(250);
    expect(retryDelayMs(0, null, DEFAULT_RETRY, () => 1)).toBe(500);
    expect(retryDelayMs(2, null, DEFAULT_RETRY, () => 1)).toBe(2000);
    expect(retryDelayMs(20, null, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
  });

  it('waits for Retry-After (plus a little jitter), but not past the policy limit', () => {
    expect(retryDelayMs(0, 3, DEFAULT_RETRY, () => 0)).toBe(3000);
    expect(retryDelayMs(0, 3, DEFAULT_RETRY, () => 1)).toBe(3300);
    expect(retryDelayMs(0, 61, DEFAULT_RETRY, () => 0)).toBeUndefined();
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('sleep rejects with the abort reason', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});
