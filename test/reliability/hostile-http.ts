// Sends requests exactly as written, bytes and headers a well-behaved client would never produce: a hand-made
// multipart encoder (truncated, duplicated, mismatched boundaries) and a raw-socket sender for what no HTTP
// client library lets through (lying Content-Length, oversized headers).
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

export interface Part {
  name: string;
  data: Buffer | string;
  /** Present: a file part with this file name. */
  filename?: string;
  type?: string;
}

export interface MultipartOptions {
  boundary?: string;
  /** Leave off the closing `--boundary--`. */
  unterminated?: boolean;
  /** Cut the encoded body to this many bytes. */
  truncateAt?: number;
}

export function multipart(parts: Part[], opts: MultipartOptions = {}): { body: Buffer; contentType: string } {
  const boundary = opts.boundary ?? '----easel-hostile-boundary';
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      part.filename === undefined
        ? `form-data; name="${part.name}"`
        : `form-data; name="${part.name}"; filename="${part.filename}"`;
    const type = part.type ?? (part.filename === undefined ? undefined : 'application/octet-stream');
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`,
      ),
      Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data),
      Buffer.from('\r\n'),
    );
  }
  if (!opts.unterminated) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  let body = Buffer.concat(chunks);
  if (opts.truncateAt !== undefined) body = body.subarray(0, opts.truncateAt);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body, or undefined when it was not JSON. */
  json: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** One request through node:http with exactly these headers (no Content-Type added, Content-Length from body). */
export function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<RawReply> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method,
        headers: {
          ...headers,
          ...(body && !('content-length' in headers) && { 'content-length': body.length }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Writes `head` (request line and headers, CRLF-separated, no final blank line) and `body` on a raw socket. */
export function sendRaw(base: string, head: string, body: Buffer = Buffer.alloc(0)): Promise<RawReply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      const split = raw.indexOf('\r\n\r\n');
      const lines = raw.slice(0, split).split('\r\n');
      const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let text = raw.slice(split + 4);
      if (headers['transfer-encoding'] === 'chunked') text = dechunk(text);
      text = Buffer.from(text, 'latin1').toString('utf8');
      resolve({ status, headers, text, json: parseJson(text) });
    });
    socket.write(Buffer.concat([Buffer.from(`${head}\r\nConnection: close\r\n\r\n`, 'latin1'), body]));
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
