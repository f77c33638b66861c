// A Server-Sent Events parser (the WHATWG text/event-stream format) over a fetch body, so the same code runs in
// Node and browsers and can send an Authorization header, which EventSource cannot.

export interface ServerSentEvent {
  /** The `event:` field; 'message' when absent. */
  event: string;
  data: string;
  id: string | undefined;
}

/** Parses chunks of text into events; feed it with `push`, then `end`. */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private lastEventId: string | undefined;

  push(text: string): ServerSentEvent[] {
    this.buffer += text;
    const out: ServerSentEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone '\r' at the end may be the first half of '\r\n': wait for the next chunk.
      if (!match || (match[0] === '\r' && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event) out.push(event);
    }
    return out;
  }

  /** The stream ended: an event without its closing blank line is dropped, as the format says. */
  end(): ServerSentEvent[] {
    // A '\r' held back as a possible half of '\r\n' is a line end after all.
    const out = this.buffer.endsWith('\r') ? this.push('\n') : [];
    this.buffer = '';
    this.data = [];
    this.event = '';
    return out;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = '';
        return undefined;
      }
      const event = { event: this.event || 'message', data: this.data.join('\n'), id: this.lastEventId };
      this.event = '';
      this.data = [];
      return event;
    }
    if (line.startsWith(':')) return undefined; // a comment (the server's keep-alive)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    return undefined;
  }
}

/** The events of a text/event-stream body, in order; cancels the body when the loop stops early. */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        yield* parser.push(decoder.decode());
        yield* parser.end();
        return;
      }
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
