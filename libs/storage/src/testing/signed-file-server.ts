import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { FilesystemObjectStore } from '../filesystem-object-store.js';

export interface SignedFileServer {
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * A bare node:http `GET /files/*` route over FilesystemObjectStore.serveSignedFile: what the
 * API's route does, without Nest, so the fs driver's URLs are tested over real HTTP.
 */
export async function startSignedFileServer(store: () => FilesystemObjectStore): Promise<SignedFileServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || !url.pathname.startsWith('/files/')) {
      res.writeHead(404).end();
      return;
    }
    const query: Record<string, string | string[]> = {};
    for (const name of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(name);
      query[name] = values.length === 1 ? values[0] : values;
    }
    store()
      .serveSignedFile(decodeURIComponent(url.pathname.slice('/files/'.length)), query)
      .then((result) => {
        if (result.ok) {
          res.writeHead(200, { 'content-type': result.contentType, 'cache-control': result.cacheControl });
          res.end(result.bytes);
        } else {
          res.writeHead(result.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: result.code, message: result.message }));
        }
      })
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
