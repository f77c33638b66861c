/** The worker's only HTTP surface: liveness, readiness (engines loaded, Redis answers) and Prometheus metrics. */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthSource {
  /** Engines loaded and the worker taking jobs (false while starting and shutting down). */
  accepting(): boolean;
  pingRedis(): Promise<boolean>;
  metrics(): Promise<string>;
  /** When set, /metrics wants `Authorization: Bearer <token>` (the probes stay open: the kubelet sends none). */
  metricsToken?: string;
}

const json = (status: string, details: Record<string, unknown> = {}): string =>
  JSON.stringify({ status, ...details });

export class HealthServer {
  private server: Server | undefined;

  constructor(private readonly source: HealthSource) {}

  /** Listens and returns the bound port (useful with port 0). */
  async listen(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const send = (code: number, type: string, body: string): void => {
        res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      };
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'application/json', json('error'));
      switch (path) {
        case '/health/live':
          return send(200, 'application/json', json('ok'));
        case '/health/ready':
          void this.ready().then((checks) => {
            const ok = checks.engines && checks.redis;
            send(ok ? 200 : 503, 'application/json', json(ok ? 'ok' : 'unavailable', { checks }));
          });
          return;
        case '/metrics':
          if (!authorized(req, this.source.metricsToken))
            return send(401, 'application/json', json('unauthorized'));
          void this.source.metrics().then(
            (text) => send(200, 'text/plain; version=0.0.4; charset=utf-8', text),
            () => send(500, 'application/json', json('error')),
          );
          return;
        default:
          return send(404, 'application/json', json('not_found'));
      }
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async ready(): Promise<{ engines: boolean; redis: boolean }> {
    const redis = await this.source.pingRedis().catch(() => false);
    return { engines: this.source.accepting(), redis };
  }
}

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = Buffer.from(req.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
