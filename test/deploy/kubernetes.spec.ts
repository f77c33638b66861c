/**
 * deploy/kubernetes: renders the example overlay (tools/deploy/render.ts), validates every object against the
 * Kubernetes and KEDA schemas (tools/deploy/validate.ts), then checks what a schema cannot: env variables the
 * apps really read, Secret and ConfigMap keys that exist, probes on endpoints that exist, selectors that match,
 * grace periods longer than the worker's drain, and KEDA list names that are BullMQ's real keys in Redis.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { generationQueueName } from '@easel/contracts';
import { STORAGE_ENV } from '@easel/storage';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvSchema as ApiEnvSchema } from '../../apps/api/src/config/config.schema.js';
import { WORKER_ENV_VARIABLES } from '../../apps/gpu-worker/src/config.js';
import { readObjects, renderKustomization, type K8sObject } from '../../tools/deploy/render.js';
import { validateObject } from '../../tools/deploy/validate.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OVERLAY = path.join(ROOT, 'deploy/kubernetes/overlays/example');
const SECRETS = path.join(ROOT, 'deploy/kubernetes/secrets.example.yaml');

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
  volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
}
interface Workload extends K8sObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}
interface ScaledObject extends K8sObject {
  spec: {
    scaleTargetRef: { name: string };
    triggers: Array<{ type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }>;
  };
}

const objects = renderKustomization(OVERLAY);
const secrets = readObjects(SECRETS);
const ofKind = <T extends K8sObject>(kind: string): T[] => objects.filter((o) => o.kind === kind) as T[];
const named = <T extends K8sObject>(kind: string, name: string): T => {
  const found = [...objects, ...secrets].find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found as T;
};
const deployments = ofKind<Workload>('Deployment');
const workers = deployments.filter((d) => d.metadata.labels?.['app.kubernetes.io/name'] === 'easel-worker');
const api = named<Workload>('Deployment', 'easel-api');
const config = named<K8sObject & { data: Record<string, string> }>('ConfigMap', 'easel-config').data;
const envOf = (c: Container): Map<string, EnvVar> => new Map((c.env ?? []).map((e) => [e.name, e]));
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('Kubernetes manifests', () => {
  it('validates every rendered object and every example Secret against the Kubernetes and KEDA schemas', async () => {
    for (const object of [...objects, ...secrets]) await validateObject(object);
    const kinds = [...objects, ...secrets].map((o) => o.kind).sort();
    console.log(
      `validated ${kinds.length} objects: ${[...new Set(kinds)].map((k) => `${kinds.filter((x) => x === k).length} ${k}`).join(', ')}`,
    );
    expect(kinds.length).toBeGreaterThanOrEqual(17);
    for (const kind of [
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'ScaledObject',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  it('refuses an object that breaks its schema, so the validation is not vacuous', async () => {
    const broken = structuredClone(api) as unknown as { spec: { replicas: unknown } } & K8sObject;
    broken.spec.replicas = 'two';
    await expect(validateObject(broken)).rejects.toThrow(/Deployment\/easel-api: .*replicas must be integer/);
    const so = structuredClone(ofKind<ScaledObject>('ScaledObject')[0]);
    (so.spec.triggers[0].metadata as Record<string, unknown>).listLength = 2;
    await expect(validateObject(so)).rejects.toThrow(/listLength must be string/);
    await expect(
      validateObject({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'x' } }),
    ).rejects.toThrow(/no schema/);
  });

  it('puts everything in the overlay namespace with pinned registry images', () => {
    for (const o of objects) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('easel');
    for (const d of deployments) {
      for (const c of [...d.spec.template.spec.containers, ...(d.spec.template.spec.initContainers ?? [])]) {
        expect(c.image, `${d.metadata.name}/${c.name}`).toMatch(
          /^registry\.example\.com\/easel\/(api|gpu-worker):0\.1\.0$/,
        );
      }
    }
  });

  it('sets only variables the apps read, from Secret and ConfigMap keys that exist', () => {
    const storage = Object.values(STORAGE_ENV);
    const known = {
      api: new Set([...Object.keys(ApiEnvSchema.shape), ...storage]),
      worker: new Set([...WORKER_ENV_VARIABLES, ...storage]),
      migrate: new Set(['DATABASE_URL']),
    };
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const app = c.name === 'migrate' ? 'migrate' : c.name === 'api' ? 'api' : 'worker';
        const names = [...(c.env ?? []).map((e) => e.name)];
        for (const from of c.envFrom ?? []) {
          expect(from.configMapRef?.name).toBe('easel-config');
          names.push(...Object.keys(config));
        }
        for (const name of names)
          expect(known[app].has(name), `${d.metadata.name}/${c.name}: ${name}`).toBe(true);
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          const secret = named<K8sObject & { stringData: Record<string, string> }>('Secret', ref.name);
          expect(Object.keys(secret.stringData), `${ref.name}.${ref.key}`).toContain(ref.key);
          // GPU nodes never hold database credentials.
          if (app === 'worker') expect(ref.name).not.toBe('easel-api');
        }
      }
    }
    for (const auth of ofKind<
      K8sObject & { spec: { secretTargetRef: Array<{ name: string; key: string }> } }
    >('TriggerAuthentication')) {
      for (const ref of auth.spec.secretTargetRef) {
        expect(
          Object.keys(named<K8sObject & { stringData: object }>('Secret', ref.name).stringData),
        ).toContain(ref.key);
      }
    }
  });

  it('probes endpoints that exist, on the port each app listens on', () => {
    const openapi = JSON.parse(readFileSync(path.join(ROOT, 'apps/api/openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    // The worker's health server (apps/gpu-worker/src/health/health-server.ts) serves these two.
    const workerHealth = readFileSync(path.join(ROOT, 'apps/gpu-worker/src/health/health-server.ts'), 'utf8');
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0];
      const env = envOf(c);
      const ports = new Map((c.ports ?? []).map((p) => [p.name, p.containerPort]));
      const listenVar = d === api ? 'PORT' : 'HEALTH_PORT';
      expect(String([...ports.values()][0]), `${d.metadata.name} ${listenVar}`).toBe(
        env.get(listenVar)?.value,
      );
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
        if (!probe) continue;
        expect(ports.has(String(probe.httpGet.port))).toBe(true);
        if (d === api) expect(openapi.paths[probe.httpGet.path]?.get, probe.httpGet.path).toBeDefined();
        else expect(workerHealth).toContain(`case '${probe.httpGet.path}':`);
      }
      expect(c.livenessProbe?.httpGet.path).toBe('/health/live');
      expect(c.readinessProbe?.httpGet.path).toBe('/health/ready');
    }
  });

  it('runs migrations before the API starts, and the API does not migrate again', () => {
    const [migrate] = api.spec.template.spec.initContainers ?? [];
    expect(migrate.image).toBe(api.spec.template.spec.containers[0].image);
    const entry = migrate.command?.at(-1) ?? '';
    expect(entry).toBe('apps/api/dist/database/migrate-main.js');
    expect(existsSync(path.join(ROOT, entry.replace('/dist/', '/src/').replace(/\.js$/, '.ts')))).toBe(true);
    expect(envOf(api.spec.template.spec.containers[0]).get('DB_AUTO_MIGRATE')?.value).toBe('false');
  });

  it('gives each worker longer to stop than its drain, GPUs where its provider needs one, and a PDB', () => {
    expect(workers.length).toBeGreaterThanOrEqual(2);
    for (const w of workers) {
      const pod = w.spec.template.spec;
      const env = envOf(pod.containers[0]);
      const drainS = Number(env.get('SHUTDOWN_TIMEOUT_MS')?.value) / 1000;
      expect(drainS).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds ?? 30, w.metadata.name).toBeGreaterThanOrEqual(drainS + 15);
      const gpu = env.get('EXECUTION_PROVIDERS')?.value === 'cuda';
      expect(pod.containers[0].resources?.limits?.['nvidia.com/gpu'], w.metadata.name).toBe(
        gpu ? '1' : undefined,
      );
      const pdbs = ofKind<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>(
        'PodDisruptionBudget',
      ).filter((p) =>
        matches(p.spec.selector.matchLabels, pod.containers && w.spec.template.metadata.labels),
      );
      expect(pdbs, w.metadata.name).toHaveLength(1);
    }
  });

  it('wires selectors, Service, HPA and claims to objects that exist', () => {
    for (const d of deployments)
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
    // Worker selectors do not overlap: each Deployment owns its engine's pods only.
    for (const a of workers) {
      for (const b of workers) {
        if (a !== b)
          expect(matches(a.spec.selector.matchLabels, b.spec.template.metadata.labels)).toBe(false);
      }
    }
    const service = named<
      K8sObject & { spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> } }
    >('Service', 'easel-api');
    expect(
      deployments.filter((d) => matches(service.spec.selector, d.spec.template.metadata.labels)),
    ).toEqual([api]);
    expect(api.spec.template.spec.containers[0].ports?.map((p) => p.name)).toContain(
      service.spec.ports[0].targetPort,
    );
    const hpa = named<K8sObject & { spec: { scaleTargetRef: { kind: string; name: string } } }>(
      'HorizontalPodAutoscaler',
      'easel-api',
    );
    expect(named(hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name)).toBe(api);
    for (const d of deployments) {
      for (const v of d.spec.template.spec.volumes ?? []) {
        if (v.persistentVolumeClaim)
          expect(named('PersistentVolumeClaim', v.persistentVolumeClaim.claimName)).toBeDefined();
      }
    }
  });

  it('scales each worker Deployment with KEDA on its own engine queue', () => {
    const scaled = ofKind<ScaledObject>('ScaledObject');
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(
      workers.map((w) => w.metadata.name).sort(),
    );
    for (const so of scaled) {
      const target = named<Workload>('Deployment', so.spec.scaleTargetRef.name);
      const engines = Object.keys(
        parseEngines(envOf(target.spec.template.spec.containers[0]).get('WORKER_ENGINES')?.value),
      );
      expect(engines).toHaveLength(1);
      const queueKey = `${config.QUEUE_PREFIX}:${generationQueueName(engines[0])}`;
      expect(so.spec.triggers.map((t) => t.metadata.listName).sort()).toEqual([
        `${queueKey}:active`,
        `${queueKey}:wait`,
      ]);
      for (const t of so.spec.triggers) {
        expect(t.type).toBe('redis');
        expect(named('TriggerAuthentication', t.authenticationRef?.name ?? '')).toBeDefined();
      }
    }
  });

  it.skipIf(!existsSync('/usr/bin/kubectl'))('renders the same objects as kubectl kustomize', () => {
    const out = execFileSync('/usr/bin/kubectl', ['kustomize', OVERLAY], { encoding: 'utf8' });
    const theirs = out.split(/^---$/m).map((doc) => parse(doc) as K8sObject);
    const key = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;
    const sorted = (list: K8sObject[]): K8sObject[] => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(theirs)).toEqual(sorted(objects));
  });
});

/** The KEDA list names are where BullMQ really keeps an engine's waiting and running jobs. */
describe('KEDA list names against BullMQ in Redis', () => {
  let connection: Redis;
  const engine = `deploy-check-${process.pid}`;
  const prefix = config.QUEUE_PREFIX;
  let queue: Queue;

  beforeAll(async () => {
    connection = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: null,
    });
    queue = new Queue(generationQueueName(engine), { connection, prefix });
    await queue.waitUntilReady();
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });

  it('a waiting job is on <prefix>:generation.<engine>:wait and a running one on …:active', async () => {
    const key = `${prefix}:${generationQueueName(engine)}`;
    await queue.add('generate', { n: 1 }, { jobId: 'job-1' });
    expect(await connection.llen(`${key}:wait`)).toBe(1);
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const taken = new Promise<void>((resolve) => (started = resolve));
    const worker = new Worker(
      generationQueueName(engine),
      async () => {
        started();
        await running;
      },
      { connection: connection.duplicate(), prefix },
    );
    await taken;
    expect(await connection.llen(`${key}:wait`)).toBe(0);
    expect(await connection.llen(`${key}:active`)).toBe(1);
    release();
    await worker.close();
  });
});

function parseEngines(value: string | undefined): Record<string, string> {
  return Object.fromEntries((value ?? '').split(',').map((pair) => pair.split('=', 2) as [string, string]));
}
