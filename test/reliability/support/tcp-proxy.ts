/**
 * A TCP proxy that can fail the link it carries, for services whose clients must survive a flaky network: `hold`
 * stops forwarding in both directions (bytes wait, as on a link that went quiet), `cut` resets every connection and
 * refuses new ones (a service that went away), `restore` undoes either. Real bytes, real clients; nothing mocked.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections accepted so far (a client that reconnects shows up here). */
  readonly accepted: number;
  /** Holds every connection, or only those whose first bytes from the client contain `match` (e.g. the name a
   * Redis client gives itself with CLIENT SETNAME). */
  hold(match?: string): void;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** The client's first bytes, to pick connections to hold. */
  opening: string;
  held: Array<{ to: Socket; chunk: Buffer }>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let mode: 'pass' | 'hold' | 'cut' = 'pass';
  let holdMatch: string | undefined;
  let accepted = 0;

  const forward = (pair: Pair, to: Socket, chunk: Buffer): void => {
    if (to === pair.upstream && pair.opening.length < 256) pair.opening += chunk.toString('latin1');
    const held = mode === 'hold' && (holdMatch === undefined || pair.opening.includes(holdMatch));
    if (held) pair.held.push({ to, chunk });
    else if (!to.destroyed) to.write(chunk);
  };

  const server: Server = createServer((client) => {
    accepted++;
    if (mode === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair: Pair = { client, upstream, opening: '', held: [] };
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => forward(pair, upstream, chunk));
    upstream.on('data', (chunk: Buffer) => forward(pair, client, chunk));
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as AddressInfo).port,
    get accepted() {
      return accepted;
    },
    hold: (match) => {
      mode = 'hold';
      holdMatch = match;
    },
    cut: () => {
      mode = 'cut';
      for (const pair of pairs) {
        pair.client.resetAndDestroy();
        pair.upstream.destroy();
      }
      pairs.clear();
    },
    restore: () => {
      mode = 'pass';
      for (const pair of pairs) {
        for (const { to, chunk } of pair.held.splice(0)) if (!to.destroyed) to.write(chunk);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) {
          pair.client.destroy();
          pair.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
