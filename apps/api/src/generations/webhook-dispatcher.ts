import { createHmac } from 'node:crypto';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ApiMetrics } from '../observability/api-metrics.js';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { GenerationRepository } from './generation.repository.js';
import { publicOnlyLookup, webhookUrlProblem, WebhookTargetRefused } from './webhook-target.js';

export const WEBHOOK_QUEUE = 'webhooks';
export const SIGNATURE_HEADER = 'Easel-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: receivers recompute it and reject old timestamps. */
export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

interface WebhookJob {
  generationId: string;
}

/**
 * Delivers finished generations to their webhookUrl through a BullMQ queue of its own: retries with exponential
 * backoff, never on the request path, so a receiver that is down delays nothing and loses nothing.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(WebhookDispatcher.name);
  private queue!: Queue<WebhookJob>;
  private worker!: Worker<WebhookJob>;
  /** Deliveries in progress, for a graceful shutdown. */
  private readonly running = new Set<Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: GenerationRepository,
    private readonly metrics: ApiMetrics,
  ) {}

  onModuleInit(): void {
    const { redis } = this.config;
    // Under the API's own key prefix: only API replicas (which share one configuration) touch this queue.
    const prefix = redis.keyPrefix.replace(/:+$/, '') || 'easel';
    this.queue = new Queue<WebhookJob>(WEBHOOK_QUEUE, {
      connection: { url: redis.url, maxRetriesPerRequest: 1, enableOfflineQueue: false },
      prefix,
    });
    this.queue.on('error', () => undefined);
    this.worker = new Worker<WebhookJob>(WEBHOOK_QUEUE, (job) => this.track(this.deliver(job)), {
      connection: { url: redis.url, maxRetriesPerRequest: null },
      prefix,
      concurrency: 16,
    });
    this.worker.on('error', (err) => this.log.warn({ err }, 'webhook worker error'));
    this.worker.on('failed', (job, err) => {
      const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      if (final) this.metrics.webhookGaveUp.inc();
      this.log.warn(
        { generationId: job?.data.generationId, attempt: job?.attemptsMade, final, err: err.message },
        'webhook delivery failed',
      );
    });
  }

  async schedule(generationId: string): Promise<void> {
    const { maxAttempts, backoffMs } = this.config.webhooks;
    await this.queue.add(
      'deliver',
      { generationId },
      {
        jobId: `webhook-${generationId}`,
        attempts: maxAttempts,
        backoff: { type: 'exponential', delay: backoffMs },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }

  /** Whether Redis holds the generation's delivery job (waiting, retrying, or done within removeOnComplete). */
  async isScheduled(generationId: string): Promise<boolean> {
    return (await this.queue.getJobState(`webhook-${generationId}`)) !== 'unknown';
  }

  private async deliver(job: Job<WebhookJob>): Promise<void> {
    const record = await this.repository.find(job.data.generationId);
    if (!record?.webhookUrl) return;
    const body = JSON.stringify(await this.repository.view(record));
    const { secret, timeoutMs, allowPrivateTargets } = this.config.webhooks;
    // Checked again at delivery: the policy may have been tightened since the request was accepted.
    const problem = webhookUrlProblem(record.webhookUrl, allowPrivateTargets);
    if (problem) {
      this.metrics.webhook('refused');
      throw new UnrecoverableError(`webhookUrl ${problem}`);
    }
    const requestId = (record.params as { requestId?: unknown } | null)?.requestId;
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Easel-Webhooks/1',
      [SIGNATURE_HEADER]: webhookSignature(secret, body, Math.floor(Date.now() / 1000)),
      'Easel-Delivery-Attempt': String(job.attemptsMade + 1),
      // The id of the request that created the generation, as its answer's X-Request-Id gave it.
      ...(typeof requestId === 'string' && { 'X-Request-Id': requestId }),
    };
    const started = performance.now();
    let status: number;
    try {
      status = await postJson(record.webhookUrl, headers, body, timeoutMs, allowPrivateTargets);
    } catch (error) {
      // A refused target will not become acceptable on retry.
      if (error instanceof WebhookTargetRefused) {
        this.metrics.webhook('refused');
        throw new UnrecoverableError(error.message);
      }
      this.metrics.webhook('failed', (performance.now() - started) / 1000);
      throw error;
    }
    const ok = status >= 200 && status < 300;
    this.metrics.webhook(ok ? 'delivered' : 'rejected', (performance.now() - started) / 1000);
    if (!ok) throw new Error(`receiver answered ${status}`);
  }

  /**
   * Lets running deliveries finish (each is bounded by its timeout), then force-closes: BullMQ's graceful close
   * also waits for its blocking fetch, which after a Redis restart can hang for good and keep the API from exiting
   * (test/reliability/redis-restart.spec.ts). A delivery cut off here is retried once its lock expires.
   */
  async onApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.config.webhooks.timeoutMs + 1_000);
    });
    await Promise.race([Promise.allSettled([...this.running]), bound]);
    clearTimeout(timer);
    await Promise.allSettled([this.worker?.close(true), this.queue?.close()]);
  }

  private track(delivery: Promise<void>): Promise<void> {
    this.running.add(delivery);
    const done = (): void => {
      this.running.delete(delivery);
    };
    delivery.then(done, done);
    return delivery;
  }
}

/** POSTs and answers the status; redirects are not followed (a 3xx is a failed attempt). */
function postJson(
  url: string,
  headers: OutgoingHttpHeaders,
  body: string,
  timeoutMs: number,
  allowPrivate: boolean,
): Promise<number> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: publicOnlyLookup(allowPrivate),
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
