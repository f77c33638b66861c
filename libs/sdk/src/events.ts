import { ConnectionError, EaselError, TimeoutError } from './errors.js';
import type { RequestOptions, Transport } from './http.js';
import { DEFAULT_RETRY, retryDelayMs, sleep } from './retry.js';
import { readServerSentEvents } from './sse.js';
import type { Generation } from './types.js';

/** One event of a generation's lifecycle, as `generations.events` yields them. */
export type GenerationEvent =
  | { type: 'queued'; id: string; createdAt: string }
  | { type: 'started'; id: string; startedAt: string }
  /** `preview`: a small PNG, base64, when the generation was created with `preview: true`. */
  | { type: 'progress'; id: string; step: number; total: number; preview?: string }
  | { type: 'succeeded' | 'failed' | 'canceled'; id: string; generation: Generation };

const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

/**
 * The generation's events until it finishes. A dropped stream is reopened (the API replays the current state
 * on connect); events already seen are not yielded twice. Gives up after `maxRetries` reconnects in a row
 * that bring nothing new.
 */
export async function* streamGenerationEvents(
  transport: Transport,
  id: string,
  options: RequestOptions = {},
): AsyncGenerator<GenerationEvent> {
  let queued = false;
  let started = false;
  let lastStep = -1;
  const maxRetries = options.maxRetries ?? transport.options.maxRetries ?? DEFAULT_RETRY.maxRetries;
  for (let failures = 0; ;) {
    const response = await transport.send({
      method: 'GET',
      path: `/api/generations/${encodeURIComponent(id)}/events`,
      headers: { ...options.headers, accept: 'text/event-stream' },
      stream: true,
      ...(options.signal && { signal: options.signal }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
    });
    let error: unknown;
    try {
      for await (const raw of readServerSentEvents(response.body!)) {
        const event = parseEvent(raw.event, raw.data);
        if (!event) continue;
        if (event.type === 'queued') {
          if (queued) continue;
          queued = true;
        } else if (event.type === 'started') {
          if (started) continue;
          started = true;
        } else if (event.type === 'progress') {
          if (event.step <= lastStep) continue;
          lastStep = event.step;
        }
        failures = 0;
        yield event;
        if (TERMINAL.has(event.type)) return;
      }
    } catch (caught) {
      if (options.signal?.aborted) throw caught;
      // A dropped body: undici and browsers report it as a TypeError ('terminated', 'network error').
      if (!(caught instanceof TypeError) && !(caught instanceof EaselError)) throw caught;
      error = caught;
    }
    // The stream ended before a terminal event: the connection dropped (or a proxy cut it). Open it again.
    if (failures >= maxRetries) {
      throw new ConnectionError(`the event stream of generation ${id} kept dropping`, { cause: error });
    }
    await sleep(retryDelayMs(failures, null, DEFAULT_RETRY) ?? 0, options.signal);
    failures++;
  }
}

function parseEvent(type: string, data: string): GenerationEvent | undefined {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return undefined; // not ours; the format allows any data
  }
  const id = String(body.id);
  switch (type) {
    case 'queued':
      return { type, id, createdAt: String(body.createdAt) };
    case 'started':
      return { type, id, startedAt: String(body.startedAt) };
    case 'progress':
      return {
        type,
        id,
        step: Number(body.step),
        total: Number(body.total),
        ...(typeof body.preview === 'string' && { preview: body.preview }),
      };
    case 'succeeded':
    case 'failed':
    case 'canceled':
      return { type, id, generation: body as unknown as Generation };
    default:
      return undefined; // an event type added later: skipped, not fatal
  }
}

/** An AbortSignal that fires on `signal` or after `timeoutMs` (with a TimeoutError), and its cleanup. */
export function deadline(
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
  what: string,
): { signal: AbortSignal | undefined; clear: () => void } {
  if (timeoutMs === undefined) return { signal, clear: () => undefined };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal!.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new TimeoutError(`${what} took longer than ${timeoutMs} ms`)),
    timeoutMs,
  );
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
