import { describe, expect, it } from 'vitest';
import { readServerSentEvents, SseParser } from './sse.js';

describe('SseParser', () => {
  it('parses events split anywhere across chunks, with CRLF, CR and LF line ends', () => {
    const text =
      'event: progress\r\ndata: {"step":1}\r\n\r\n: keep-alive\n\nevent: done\rdata: a\rdata: b\r\r';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut)), ...parser.end()];
      expect(events).toEqual([
        { event: 'progress', data: '{"step":1}', id: undefined },
        { event: 'done', data: 'a\nb', id: undefined },
      ]);
    }
  });

  it('defaults the type to message, keeps the last id, ignores comments and unknown fields', () => {
    const parser = new SseParser();
    const events = parser.push('id: 7\ndata:x\nretry: 10\nfoo: bar\n\n:comment\ndata: y\n\n');
    expect(events).toEqual([
      { event: 'message', data: 'x', id: '7' },
      { event: 'message', data: 'y', id: '7' },
    ]);
  });

  it('drops an event the stream cut before its blank line', async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('event: queued\ndata: {}\n\nevent: progress\ndata: {"st'));
        controller.close();
      },
    });
    const events = [];
    for await (const event of readServerSentEvents(body)) events.push(event.event);
    expect(events).toEqual(['queued']);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo ✓\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const events = [];
    for await (const event of readServerSentEvents(body)) events.push(event.data);
    expect(events).toEqual(['héllo ✓']);
  });
});
