import { apiErrorFrom, ApiError, ConnectionError, EaselError, TimeoutError } from './errors.js';
import {
  abortReason,
  DEFAULT_RETRY,
  retryableNetworkError,
  retryableStatus,
  retryDelayMs,
  sleep,
  type RetryPolicy,
} from './retry.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
type HeaderSource = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

export interface ClientOptions {
  /** An API key (`esl_…`) or a login access token, sent as `Authorization: Bearer …`. */
  apiKey?: string;
  /** Default `http://localhost:3000`; '' or a path for same-origin use in a browser. */
  baseUrl?: string;
  /** A fetch implementation (default: the global one). */
  fetch?: FetchLike;
  /** Per try, until the answer's headers arrive (default 60 s). */
  timeoutMs?: number;
  /** Tries after the first on 429, 5xx and network errors (default 2). */
  maxRetries?: number;
  /** Extra headers on every request, e.g. a CSRF token; a function is called per request. */
  headers?: HeaderSource;
  /** fetch's `credentials`, e.g. 'include' for a cookie session from a browser. */
  credentials?: RequestInit['credentials'];
  /**
   * The dashboard's cookie session instead of a bearer token: `/api/…` calls go to `/api/dashboard/…` with the
   * cookie (credentials 'same-origin' unless set), and state changes carry the session's CSRF token.
   */
  session?: { csrfToken: string | (() => string | undefined) };
}

/** Per-call options, accepted by every method. */
export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
  headers?: Record<string, string>;
}

export interface RequestSpec extends RequestOptions {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /** Safe to send twice: retried on 5xx and network errors too. Default: GET and DELETE. */
  idempotent?: boolean;
  /** Do not cancel the body when headers arrive: the caller reads a stream. */
  stream?: boolean;
  /** Send no credentials (a signed download URL, which may be on another host). */
  anonymous?: boolean;
}

export const DEFAULT_BASE_URL = 'http://localhost:3000';
const DEFAULT_TIMEOUT_MS = 60_000;

/** fetch with the API's auth, errors as typed exceptions, a timeout per try and retries with backoff. */
export class Transport {
  readonly baseUrl: string;
  private readonly retry: RetryPolicy;

  constructor(readonly options: ClientOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.retry = { ...DEFAULT_RETRY, maxRetries: options.maxRetries ?? DEFAULT_RETRY.maxRetries };
  }

  /** `path` resolved against the base URL (absolute URLs pass through). */
  url(path: string, query?: RequestSpec['query']): string {
    let url = /^[a-z][a-z0-9+.-]*:/i.test(path) ? path : `${this.baseUrl}${this.routed(path)}`;
    const params = Object.entries(query ?? {}).filter(([, v]) => v !== undefined);
    if (params.length > 0) {
      const search = new URLSearchParams(params.map(([k, v]): [string, string] => [k, String(v)]));
      url += `${url.includes('?') ? '&' : '?'}${search.toString()}`;
    }
    return url;
  }

  /** JSON of a successful answer (undefined for 204). */
  async json<T>(spec: RequestSpec): Promise<T> {
    const response = await this.send(spec);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** The successful Response (the body is unread), after retries. */
  async send(spec: RequestSpec): Promise<Response> {
    const idempotent = spec.idempotent ?? spec.method !== 'POST';
    const policy = { ...this.retry, maxRetries: spec.maxRetries ?? this.retry.maxRetries };
    for (let retry = 0; ; retry++) {
      let failure: EaselError;
      let retryAfter: number | null = null;
      let retryable: boolean;
      try {
        const response = await this.attempt(spec);
        if (response.ok) return response;
        failure = await errorFrom(response);
        retryAfter = (failure as ApiError).retryAfter;
        retryable = retryableStatus(response.status, idempotent);
      } catch (error) {
        if (spec.signal?.aborted) throw abortReason(spec.signal);
        if (!(error instanceof ConnectionError || error instanceof TimeoutError)) throw error;
        failure = error;
        retryable = retryableNetworkError(error.cause ?? error, idempotent);
        // A timeout on a request that is not idempotent may have been processed: never resend it.
        if (error instanceof TimeoutError && !idempotent) retryable = false;
      }
      const delay =
        retryable && retry < policy.maxRetries ? retryDelayMs(retry, retryAfter, policy) : undefined;
      if (delay === undefined) throw failure;
      await sleep(delay, spec.signal);
    }
  }

  private async attempt(spec: RequestSpec): Promise<Response> {
    const { signal } = spec;
    if (signal?.aborted) throw abortReason(signal);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(abortReason(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new TimeoutError(`no answer from ${spec.method} ${spec.path} within ${timeoutMs} ms`));
    }, timeoutMs);
    let streaming = false;
    try {
      const headers = await this.headers(spec);
      const fetchImpl = this.options.fetch ?? globalThis.fetch.bind(globalThis);
      const response = await fetchImpl(this.url(spec.path, spec.query), {
        method: spec.method,
        headers,
        ...(spec.json !== undefined && { body: JSON.stringify(spec.json) }),
        signal: controller.signal,
        ...(this.credentials && !spec.anonymous && { credentials: this.credentials }),
      });
      if (!response.ok || !spec.stream) {
        // Read the body under the timeout too, so a connection that stalls mid-body fails and is retried.
        const body = await response.arrayBuffer();
        return new Response(response.status === 204 ? null : body, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      }
      // A stream lives on after the headers: the caller's signal still aborts it, the timeout no longer.
      streaming = true;
      return response;
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      if (timedOut) throw controller.signal.reason as TimeoutError;
      if (error instanceof EaselError) throw error;
      throw new ConnectionError(`could not reach ${this.url(spec.path)}: ${describe(error)}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      if (!streaming) signal?.removeEventListener('abort', onAbort);
    }
  }

  private get credentials(): RequestInit['credentials'] | undefined {
    return this.options.credentials ?? (this.options.session ? 'same-origin' : undefined);
  }

  /** With a session, account routes go through the dashboard's cookie-authenticated aliases. */
  private routed(path: string): string {
    if (!this.options.session || !path.startsWith('/api/')) return path;
    if (/^\/api\/(auth|session|dashboard)(\/|$|\?)/.test(path)) return path;
    return `/api/dashboard/${path.slice('/api/'.length)}`;
  }

  private async headers(spec: RequestSpec): Promise<Record<string, string>> {
    if (spec.anonymous) return { ...spec.headers };
    const extra =
      typeof this.options.headers === 'function' ? await this.options.headers() : this.options.headers;
    const headers: Record<string, string> = { accept: 'application/json', ...extra, ...spec.headers };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const session = this.options.session;
    if (session && spec.method !== 'GET') {
      const token = typeof session.csrfToken === 'function' ? session.csrfToken() : session.csrfToken;
      if (token !== undefined) headers['x-csrf-token'] = token;
    }
    if (spec.json !== undefined) headers['content-type'] = 'application/json';
    return headers;
  }
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: Record<string, string> | undefined;
  try {
    body = text ? (JSON.parse(text) as Record<string, string>) : undefined;
  } catch {
    body = undefined; // a proxy's HTML page, say
  }
  const fallback = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return apiErrorFrom(response.status, body, response.headers, fallback);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
