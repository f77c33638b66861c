// The alert rules, the Grafana dashboard and the runbook agree with the metrics the code defines: a renamed
// metric fails here instead of silencing an alert in production.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { WorkerMetrics } from '../../apps/gpu-worker/src/health/worker-metrics.js';
import { ApiMetrics } from '../../apps/api/src/observability/api-metrics.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Rule {
  alert: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; runbook?: string };
}

async function definedSeries(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const registry of [new ApiMetrics({ enabled: true }).registry, new WorkerMetrics('test').registry]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      const type = String(metric.type);
      if (type === 'histogram')
        for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${metric.name}${suffix}`);
      if (type === 'summary') for (const suffix of ['_count', '_sum']) names.add(`${metric.name}${suffix}`);
    }
  }
  return names;
}

const easelNames = (expr: string): string[] => [...expr.matchAll(/\beasel_[a-z0-9_]+/g)].map((m) => m[0]);

describe('deploy/prometheus/alerts.yaml', () => {
  const groups = (parse(read('deploy/prometheus/alerts.yaml')) as { groups: Array<{ rules: Rule[] }> })
    .groups;
  const rules = groups.flatMap((g) => g.rules);

  it('names only metrics the API and the workers export', async () => {
    const defined = await definedSeries();
    expect(rules.length).toBeGreaterThan(10);
    for (const rule of rules) {
      for (const name of easelNames(rule.expr))
        expect(defined.has(name), `${rule.alert}: ${name}`).toBe(true);
    }
  });

  it('gives every alert a severity, a summary and a runbook section that exists', () => {
    const runbook = read('docs/operations.md');
    const anchors = new Set([...runbook.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1].trim().toLowerCase()));
    for (const rule of rules) {
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.runbook).toBe(`docs/operations.md#${rule.alert.toLowerCase()}`);
      expect(anchors.has(rule.alert.toLowerCase()), `runbook section ${rule.alert}`).toBe(true);
    }
  });
});

describe('deploy/grafana/easel.json', () => {
  interface Panel {
    id: number;
    type: string;
    title: string;
    targets?: Array<{ expr: string }>;
  }
  const dashboard = JSON.parse(read('deploy/grafana/easel.json')) as {
    uid: string;
    panels: Panel[];
    templating: { list: Array<{ name: string }> };
  };

  it('queries only metrics the API and the workers export, through the datasource variable', async () => {
    const defined = await definedSeries();
    const queries = dashboard.panels.flatMap((p) => p.targets ?? []);
    expect(queries.length).toBeGreaterThan(20);
    for (const { expr } of queries)
      for (const name of easelNames(expr)) expect(defined.has(name), `${expr}: ${name}`).toBe(true);
    expect(dashboard.templating.list.map((v) => v.name)).toContain('datasource');
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });

  it('shows what the issue asks for: requests, queues, job durations, worker speed, credits, webhooks', () => {
    const text = JSON.stringify(dashboard.panels.flatMap((p) => p.targets ?? []));
    for (const metric of [
      'easel_http_request_duration_seconds_bucket',
      'easel_queue_jobs',
      'easel_queue_oldest_job_age_seconds',
      'easel_worker_queue_wait_seconds_bucket',
      'easel_worker_pipeline_seconds_bucket',
      'easel_worker_upload_seconds_bucket',
      'easel_worker_denoise_steps_total',
      'easel_worker_images_total',
      'easel_credits_total',
      'easel_purchases_total',
      'easel_webhook_deliveries_total',
    ])
      expect(text).toContain(metric);
  });
});
