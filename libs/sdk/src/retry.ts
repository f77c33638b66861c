// When to try a request again, and how long to wait first.

export interface RetryPolicy {
  /** Tries after the first (default 2). */
  maxRetries: number;
  /** First backoff (default 500 ms); doubles per try up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes to the caller instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Statuses worth another try. 429 and 5xx: the request may succeed later. A request that can run twice
 * without harm (GET, DELETE, anything with an Idempotency-Key) is retried on all of them; any other only on
 * 429, which the API answers before it does anything.
 */
export function retryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 429) return true;
  return idempotent && (status === 408 || status >= 500);
}

/** A network error is retried when the request is idempotent, or when the connection was never made. */
export function retryableNetworkError(error: unknown, idempotent: boolean): boolean {
  return idempotent || connectionRefused(error);
}

function connectionRefused(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Milliseconds to wait before retry number `retry` (0-based): the server's Retry-After when it sent one,
 * else exponential backoff with jitter (half fixed, half random) so clients that failed together spread out.
 * Undefined: do not retry (Retry-After longer than the policy allows).
 */
export function retryDelayMs(
  retry: number,
  retryAfterSeconds: number | null,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterSeconds !== null) {
    const ms = retryAfterSeconds * 1000;
    if (ms > policy.maxRetryAfterMs) return undefined;
    return ms + random() * Math.min(1000, ms * 0.1);
  }
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** retry);
  return base / 2 + random() * (base / 2);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
/* eslint-disable @typescript-eslint/prefer-promise-reject-errors -- an abort rejects with the caller's reason, as fetch does */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
/* eslint-enable @typescript-eslint/prefer-promise-reject-errors */

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
