// A stand-in for Stripe's hosted Checkout page, so a browser test can follow a session's `url`, press Pay
// (or Cancel) and land on the success (or cancel) URL, as a customer would.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './api.js';
import type { StripeStore } from './store.js';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function handleCheckoutPage(
  store: StripeStore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const match = /^\/pay\/([A-Za-z0-9_]+)(?:\/(complete|cancel))?$/.exec(url.pathname);
  const session = match ? store.sessions.get(match[1]) : undefined;
  if (!match || !session) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('No such Checkout Session');
    return;
  }
  const action = match[2];
  if (req.method === 'GET' && !action) {
    const amount = `${(Number(session.amount_total) / 100).toFixed(2)} ${String(session.currency).toUpperCase()}`;
    const open = session.status === 'open';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html><head><title>Stripe test Checkout</title></head>
<body>
  <h1>Pay ${escape(amount)}</h1>
  <p data-testid="session">${escape(session.id)} (${escape(String(session.status))})</p>
  ${
    open
      ? `<form method="post" action="/pay/${session.id}/complete">
    <label><input type="radio" name="method" value="card" checked> Card</label>
    <label><input type="radio" name="method" value="async"> Bank transfer (settles later)</label>
    <button type="submit" data-testid="pay">Pay</button>
  </form>
  <form method="post" action="/pay/${session.id}/cancel"><button type="submit" data-testid="cancel">Cancel</button></form>`
      : '<p>This session is no longer open.</p>'
  }
</body></html>`);
    return;
  }
  if (req.method === 'POST' && action === 'complete') {
    const form = new URLSearchParams(await readBody(req));
    store.pay(session.id, { async: form.get('method') === 'async' });
    const target = String(session.success_url).replace('{CHECKOUT_SESSION_ID}', session.id);
    res.writeHead(303, { location: target }).end();
    return;
  }
  if (req.method === 'POST' && action === 'cancel') {
    res.writeHead(303, { location: (session.cancel_url as string | null) ?? '/' }).end();
    return;
  }
  res.writeHead(405, { 'content-type': 'text/plain' }).end('Method not allowed');
}
