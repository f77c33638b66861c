import type { Generation } from '@easel/contracts';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { GenerationEvents } from './generation-events.js';
import { streamGenerationEvents } from './generation-sse.js';

const ID = '00000000-0000-4000-8000-000000000001';
const view = (over: Partial<Generation>): Generation =>
  ({
    id: ID,
    status: 'queued',
    createdAt: '2026-12-06T00:00:00.000Z',
    startedAt: null,
    ...over,
  }) as Generation;

describe('generation event stream', () => {
  it('gives a stream that joined between two previews the latest one with its first progress', async () => {
    const events = new GenerationEvents();
    // The first step's preview was published before the stream joined, while the record still said queued
    // (the started write had not landed): the stream's own first progress must carry that preview.
    events.publish(ID, { type: 'progress', step: 1, total: 24, preview: 'cHJldmlldw==' });
    let finished = false;
    const app = Fastify();
    app.get('/events', async (_request, reply) => {
      await streamGenerationEvents(reply, view({}), {
        events,
        reload: () =>
          Promise.resolve(
            finished ? view({ status: 'succeeded', startedAt: '2026-12-06T00:00:01.000Z' }) : view({}),
          ),
      });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/events`);
    const reader: ReadableStreamDefaultReader<Uint8Array> = response.body!.getReader();
    await reader.read(); // the queued event: the stream is subscribed
    events.publish(ID, { type: 'started', startedAt: '2026-12-06T00:00:01.000Z' });
    events.publish(ID, { type: 'progress', step: 2, total: 24 });
    events.publish(ID, { type: 'progress', step: 3, total: 24 });
    finished = true;
    events.publish(ID, { type: 'finished', status: 'succeeded' });
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += new TextDecoder().decode(chunk.value);
    }
    const progress = [...text.matchAll(/^event: progress\ndata: (.*)$/gm)].map(
      (m) => JSON.parse(m[1]) as { step: number; preview?: string },
    );
    expect(progress.map((p) => [p.step, p.preview])).toEqual([
      [2, 'cHJldmlldw=='],
      [3, undefined],
    ]);
    expect(text).toContain('event: succeeded');
    await app.close();
  });
});
