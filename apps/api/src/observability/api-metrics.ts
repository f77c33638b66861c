import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds) for HTTP requests: a cached read is a few ms, `Prefer: wait` up to a minute. */
const HTTP_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const WEBHOOK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const GENERATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800];

export type CreditKind = 'grant' | 'debit' | 'refund' | 'purchase' | 'adjustment';
export type WebhookOutcome = 'delivered' | 'rejected' | 'failed' | 'refused';
export type LoginOutcome = 'succeeded' | 'failed' | 'locked';

/** Route label of requests that matched no route: raw URLs would make one series per scanner probe. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The API's Prometheus metrics, in a registry of its own per application (tests run several in one process).
 * Names are the contract of deploy/prometheus/alerts.yaml and deploy/grafana/easel.json: change them together.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly enabled: boolean;
  /** Reads the queues from Redis when Prometheus scrapes (QueueMetricsCollector sets it). */
  private queueCollector: (() => Promise<void>) | undefined;
  private collecting: Promise<void> | undefined;

  readonly httpDuration = new Histogram({
    name: 'easel_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status (the _count is the request counter).',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'easel_queue_jobs',
    help: 'Generation jobs in each engine queue by state, read from Redis at scrape time.',
    labelNames: ['engine', 'state'] as const,
    registers: [this.registry],
    aggregator: 'max', // every cluster worker reads the same queue
    collect: () => this.collectQueues(),
  });

  readonly queueOldestAge = new Gauge({
    name: 'easel_queue_oldest_job_age_seconds',
    help: 'Age of the oldest waiting job per engine (0 when none waits).',
    labelNames: ['engine'] as const,
    registers: [this.registry],
    aggregator: 'max',
    collect: () => this.collectQueues(),
  });

  readonly credits = new Counter({
    name: 'easel_credits_total',
    help: 'Credits moved by the ledger, by kind (grant, debit, refund, purchase, adjustment).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly purchases = new Counter({
    name: 'easel_purchases_total',
    help: 'Completed credit purchases (reported by the billing code through ApiMetrics.purchaseCompleted).',
    labelNames: ['currency'] as const,
    registers: [this.registry],
  });

  readonly purchaseAmount = new Counter({
    name: 'easel_purchase_amount_minor_total',
    help: 'Money taken by completed purchases, in the currency minor unit (cents).',
    labelNames: ['currency'] as const,
    registers: [this.registry],
  });

  readonly generations = new Counter({
    name: 'easel_generations_settled_total',
    help: 'Generations settled, by engine and final status.',
    labelNames: ['engine', 'status'] as const,
    registers: [this.registry],
  });

  readonly generationDuration = new Histogram({
    name: 'easel_generation_duration_seconds',
    help: 'From the paid request to its settlement (queue wait, pipeline, upload, settlement), by engine.',
    labelNames: ['engine', 'status'] as const,
    buckets: GENERATION_BUCKETS,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'easel_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered (2xx), rejected (other status), failed (network, timeout), refused (target not allowed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookDuration = new Histogram({
    name: 'easel_webhook_delivery_duration_seconds',
    help: 'Webhook delivery attempts, from connect to the receiver answer.',
    buckets: WEBHOOK_BUCKETS,
    registers: [this.registry],
  });

  readonly webhookGaveUp = new Counter({
    name: 'easel_webhook_deliveries_abandoned_total',
    help: 'Webhooks given up after their last attempt (or refused for good).',
    registers: [this.registry],
  });

  readonly logins = new Counter({
    name: 'easel_login_attempts_total',
    help: 'Password logins by outcome (succeeded, failed, locked: refused during an account lockout).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'easel_rate_limited_total',
    help: 'Requests refused with 429 by the rate limiter, by bucket.',
    labelNames: ['bucket'] as const,
    registers: [this.registry],
  });

  constructor(options: { enabled: boolean; defaultMetrics?: boolean }) {
    this.enabled = options.enabled;
    if (options.enabled && options.defaultMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: 'easel_api_' });
  }

  collectQueuesWith(collector: () => Promise<void>): void {
    this.queueCollector = collector;
  }

  /** Both queue gauges are collected in the same scrape: one Redis read serves them. */
  private collectQueues(): Promise<void> {
    if (!this.queueCollector) return Promise.resolve();
    this.collecting ??= this.queueCollector().finally(() => (this.collecting = undefined));
    return this.collecting;
  }

  /** The hot path: one histogram observation per request (its _count doubles as the request counter). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    if (this.enabled) this.httpDuration.observe({ method, route, status }, seconds);
  }

  credited(kind: CreditKind, amount: number): void {
    if (this.enabled) this.credits.inc({ kind }, Math.abs(amount));
  }

  /**
   * Hook for the billing code: call once per completed purchase, after its ledger entry committed. The credits
   * themselves are counted by the ledger (kind 'purchase'); this counts purchases and money.
   */
  purchaseCompleted(purchase: { amountMinor: number; currency: string }): void {
    if (!this.enabled) return;
    const currency = purchase.currency.toLowerCase();
    this.purchases.inc({ currency });
    this.purchaseAmount.inc({ currency }, purchase.amountMinor);
  }

  settled(engine: string, status: string, seconds: number | undefined): void {
    if (!this.enabled) return;
    this.generations.inc({ engine, status });
    if (seconds !== undefined && seconds >= 0) this.generationDuration.observe({ engine, status }, seconds);
  }

  webhook(outcome: WebhookOutcome, seconds?: number): void {
    if (!this.enabled) return;
    this.webhookDeliveries.inc({ outcome });
    if (seconds !== undefined) this.webhookDuration.observe(seconds);
  }

  login(outcome: LoginOutcome): void {
    if (this.enabled) this.logins.inc({ outcome });
  }

  limited(bucket: string): void {
    if (this.enabled) this.rateLimited.inc({ bucket });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
