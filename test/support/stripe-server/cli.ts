// `npm run stripe:test-server -- [--port 12111] [--webhook-url URL] [--secret-key sk_test_…] [--webhook-secret whsec_…]`
// Runs the Stripe test server until interrupted and prints the variables that point Easel's API at it.
import { parseArgs } from 'node:util';
import { startStripeTestServer } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '12111' },
    host: { type: 'string', default: '127.0.0.1' },
    'webhook-url': { type: 'string', default: 'http://127.0.0.1:3000/api/billing/stripe/webhook' },
    'secret-key': { type: 'string' },
    'webhook-secret': { type: 'string' },
  },
});

const server = await startStripeTestServer({
  port: Number(values.port),
  host: values.host,
  webhookUrl: values['webhook-url'],
  secretKey: values['secret-key'],
  webhookSecret: values['webhook-secret'],
});
console.log(`Stripe test server on ${server.url}, delivering webhooks to ${values['webhook-url']}
Start the API with:
  STRIPE_SECRET_KEY=${server.secretKey} STRIPE_WEBHOOK_SECRET=${server.webhookSecret} STRIPE_API_BASE=${server.url}
Checkout pages: ${server.url}/pay/<session id>; test controls: POST ${server.url}/_test/sessions/<id>/(pay|refund|dispute|…)`);

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
