import type { FastifyReply } from 'fastify';
import type { GenerationEvent, GenerationEvents } from './generation-events.js';
import { isFinished, type GenerationView } from './generation-view.js';

const POLL_MS = 1_000;
const HEARTBEAT_MS = 15_000;

export interface SseSources {
  events: GenerationEvents;
  /** The current view (for the terminal event, and to notice a settlement made by another replica). */
  reload: () => Promise<GenerationView>;
}

/**
 * Writes the generation's lifecycle as Server-Sent Events until it finishes or the client leaves: the current
 * state first (queued or started, and the latest progress with the latest preview for a client that joins
 * late), then started / progress as the worker reports them, then one terminal event (succeeded / failed /
 * canceled) carrying the whole generation.
 */
export async function streamGenerationEvents(
  reply: FastifyReply,
  initial: GenerationView,
  sources: SseSources,
): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': String(reply.request.id),
  });
  const send = (event: string, data: unknown): void => {
    raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const id = initial.id;
  send('queued', { id, status: 'queued', createdAt: initial.createdAt });
  if (initial.startedAt) send('started', { id, startedAt: initial.startedAt });
  const latest = sources.events.latestProgress(id);
  const preview = sources.events.latestPreview(id);
  if (latest && !isFinished(initial.status)) send('progress', { id, ...latest, ...(preview && { preview }) });
  if (isFinished(initial.status)) {
    send(initial.status, initial);
    raw.end();
    return;
  }

  await new Promise<void>((resolve) => {
    let ended = false;
    let started = initial.startedAt !== null;
    const finish = async (): Promise<void> => {
      if (ended) return;
      const view = await sources.reload().catch(() => undefined);
      if (!view || !isFinished(view.status) || ended) return;
      ended = true;
      send(view.status, view);
      cleanup();
      raw.end();
    };
    const onEvent = (event: GenerationEvent): void => {
      if (ended) return;
      if (event.type === 'started' && !started) {
        started = true;
        send('started', { id, startedAt: event.startedAt });
      } else if (event.type === 'progress') {
        send('progress', {
          id,
          step: event.step,
          total: event.total,
          ...(event.preview && { preview: event.preview }),
        });
      } else if (event.type === 'finished') {
        void finish();
      }
    };
    const unsubscribe = sources.events.subscribe(id, onEvent);
    const poll = setInterval(() => void finish(), POLL_MS);
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const cleanup = (): void => {
      unsubscribe();
      clearInterval(poll);
      clearInterval(heartbeat);
      resolve();
    };
    raw.on('close', () => {
      ended = true;
      cleanup();
    });
  });
}
