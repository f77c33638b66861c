// Test-only control routes under /_test/, for a test running in another process than the server (a browser
// test against `npm run stripe:test-server`): the same actions as the StripeTestServer helpers, over HTTP.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeliverOptions, SignatureMode } from './delivery.js';
import type { StripeTestServer } from './index.js';
import { StripeTestError } from './store.js';

const MODES: SignatureMode[] = ['valid', 'missing', 'forged', 'stale', 'tampered', 'malformed'];

export async function handleControl(
  server: StripeTestServer,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const send = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const q = url.searchParams;
  const amount = q.has('amount') ? Number(q.get('amount')) : undefined;
  try {
    const session = /^\/_test\/sessions\/([A-Za-z0-9_]+)\/(pay|succeed|fail|expire|refund|dispute)$/.exec(
      url.pathname,
    );
    if (req.method === 'POST' && session) {
      const [, id, action] = session;
      const event =
        action === 'pay'
          ? server.pay(id, { async: q.get('async') === '1' })
          : action === 'succeed'
            ? server.succeedAsyncPayment(id)
            : action === 'fail'
              ? server.failAsyncPayment(id)
              : action === 'expire'
                ? server.expire(id)
                : action === 'refund'
                  ? server.refund(id, amount)
                  : server.dispute(id, amount);
      return send(200, event);
    }
    if (req.method === 'GET' && url.pathname === '/_test/events')
      return send(200, server.events(q.get('type') ?? undefined));
    if (req.method === 'GET' && url.pathname === '/_test/deliveries') return send(200, server.deliveries);
    if (req.method === 'GET' && url.pathname === '/_test/settled') {
      await server.settled();
      return send(200, { settled: true });
    }
    const deliver = /^\/_test\/events\/([A-Za-z0-9_]+)\/deliver$/.exec(url.pathname);
    if (req.method === 'POST' && deliver) {
      const event = server.events().find((e) => e.id === deliver[1]);
      if (!event) return send(404, { error: `no event ${deliver[1]}` });
      const signature = (q.get('signature') ?? 'valid') as SignatureMode;
      if (!MODES.includes(signature))
        return send(400, { error: `signature must be one of ${MODES.join(', ')}` });
      const opts: DeliverOptions = {
        signature,
        copies: Number(q.get('copies') ?? 1),
        delayMs: Number(q.get('delayMs') ?? 0),
      };
      return send(200, await server.deliver(event, opts));
    }
    send(404, { error: `no control route ${req.method} ${url.pathname}` });
  } catch (error) {
    if (error instanceof StripeTestError) return send(error.status, { error: error.message });
    throw error;
  }
}
