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
  // Subscribed before the state is read again, so nothing published in between is missed; events that arrive
  // before the current state is written are held and handled after it.
  const held: GenerationEvent[] = [];
  let deliver: (event: GenerationEvent) => void = (event) => held.push(event);
  const unsubscribe = sources.events.subscribe(initial.id, (event) => deliver(event));
  const current = await sources.reload().catch(() => initial);
  if (reply.raw.destroyed) {
    unsubscribe(); // the client left while the state was read
    return;
  }
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
  const id = current.id;
  send('queued', { id, status: 'queued', createdAt: current.createdAt });
  if (current.startedAt) send('started', { id, startedAt: current.startedAt });
  const latest = sources.events.latestProgress(id);
  const preview = sources.events.latestPreview(id);
  // A stream that joins between the first preview and the next (seconds apart) would otherwise show none.
  let previewSent = false;
  if (latest && current.startedAt && !isFinished(current.status)) {
    send('progress', { id, ...latest, ...(preview && { preview }) });
    previewSent = preview !== undefined;
  }
  if (isFinished(current.status)) {
    unsubscribe();
    send(current.status, current);
    raw.end();
    return;
  }

  await new Promise<void>((resolve) => {
    let ended = false;
    let started = current.startedAt !== null;
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
        const preview = event.preview ?? (previewSent ? undefined : sources.events.latestPreview(id));
        if (preview) previewSent = true;
        send('progress', { id, step: event.step, total: event.total, ...(preview && { preview }) });
      } else if (event.type === 'finished') {
        void finish();
      }
    };
    deliver = onEvent;
    for (const event of held.splice(0)) onEvent(event);
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
