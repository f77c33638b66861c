/**
 * A small HTTP proxy in front of the API that can fail chosen requests the way a load balancer or a flaky
 * network does: forward the request (so the API acts on it) and then answer 503 or drop the connection, or
 * fail before forwarding. Clients are tested through it; nothing in them is mocked.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** The API gets and handles the request; the client gets a 503 instead of its answer. */
  | '503-after-forward'
  /** The API gets and handles the request; the client's connection is cut before any answer. */
  | 'drop-after-forward'
  /** The client gets a 503 (Retry-After: 1) and the API never sees the request. */
  | '503-before'
  /** The answer starts (headers and its first chunk) and then the connection is cut: a stream dropped mid-way. */
  | 'cut-after-first-chunk';

interface Rule {
  method: string;
  path: RegExp;
  fault: Fault;
  times: number;
}

export interface FaultProxy {
  url: string;
  /** Fails the next `times` requests matching method and path with `fault`. */
  failNext(method: string, path: RegExp, fault: Fault, times?: number): void;
  /** Requests seen (method and path), faulted or not. */
  seen: Array<{ method: string; path: string; faulted: Fault | null; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const rules: Rule[] = [];
  const seen: FaultProxy['seen'] = [];
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const rule = rules.find((r) => r.times > 0 && r.method === method && r.path.test(path));
    if (rule) rule.times--;
    seen.push({ method, path, faulted: rule?.fault ?? null, headers: req.headers });
    if (rule?.fault === '503-before') {
      req.resume();
      res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '1' });
      res.end('<html><body>503 Service Unavailable (proxy)</body></html>');
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method,
        path,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        if (rule?.fault === '503-after-forward') {
          answer.resume();
          answer.on('end', () => {
            res.writeHead(503, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ id: 'proxy', name: 'service_unavailable', message: 'upstream hiccup' }));
          });
          return;
        }
        if (rule?.fault === 'drop-after-forward') {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (rule?.fault === 'cut-after-first-chunk') {
          answer.once('data', (chunk: Buffer) => {
            res.write(chunk, () => req.socket.destroy());
            answer.destroy();
          });
          return;
        }
        answer.pipe(res);
        res.on('close', () => answer.destroy());
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    failNext: (method, path, fault, times = 1) => rules.push({ method, path, fault, times }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
