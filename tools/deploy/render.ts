/**
 * Renders a kustomization (deploy/kubernetes) into its objects without a kustomize binary, for CI and
 * `npm run deploy:render`. It implements the subset our manifests use — `resources` (files and folders with a
 * kustomization), `namespace` and `images` — and refuses any other field, so the manifests cannot quietly
 * start needing more. deploy.spec.ts checks the result equals `kubectl kustomize` where kubectl is installed.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
};

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images']);
/** Kinds kustomize leaves without a namespace (the cluster-scoped ones we could meet). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterTriggerAuthentication',
  'CustomResourceDefinition',
  'PriorityClass',
]);

/** Every object of a YAML file with one or more documents. */
export function readObjects(file: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  return docs.flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    const value = doc.toJS() as K8sObject | null;
    return value === null ? [] : [value];
  });
}

export function renderKustomization(dir: string): K8sObject[] {
  const [k] = readObjects(path.join(dir, 'kustomization.yaml')) as unknown as Array<Record<string, unknown>>;
  for (const field of Object.keys(k)) {
    if (!SUPPORTED.has(field))
      throw new Error(`${dir}/kustomization.yaml: "${field}" is not supported by render.ts`);
  }
  const objects = ((k.resources ?? []) as string[]).flatMap((resource) => {
    const target = path.join(dir, resource);
    return statSync(target).isDirectory() ? renderKustomization(target) : readObjects(target);
  });
  const namespace = k.namespace as string | undefined;
  const images = (k.images ?? []) as ImageRule[];
  for (const object of objects) {
    if (namespace && !CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = namespace;
    for (const container of containersOf(object)) {
      const rule = images.find((i) => imageName(container.image) === i.name);
      if (rule) container.image = applyImage(container.image, rule);
    }
  }
  return objects;
}

/** Containers and initContainers anywhere in the object (pod templates of Deployments, Jobs, CronJobs …). */
function containersOf(value: unknown, found: Array<{ image: string }> = []): Array<{ image: string }> {
  if (Array.isArray(value)) value.forEach((v) => containersOf(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(child)) {
        found.push(...(child as Array<{ image: string }>));
      } else containersOf(child, found);
    }
  }
  return found;
}

function imageName(image: string): string {
  const at = image.indexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image;
  const colon = base.lastIndexOf(':');
  return colon > base.lastIndexOf('/') ? base.slice(0, colon) : base;
}

function applyImage(image: string, rule: ImageRule): string {
  const name = rule.newName ?? imageName(image);
  if (rule.digest) return `${name}@${rule.digest}`;
  const tag = rule.newTag ?? (image.slice(imageName(image).length).replace(/^:/, '') || undefined);
  return tag ? `${name}:${tag}` : name;
}
