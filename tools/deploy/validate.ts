/**
 * Validates Kubernetes objects against the API schemas that kubernetes-models ships (generated from Kubernetes'
 * OpenAPI document) and, for KEDA's ScaledObject and TriggerAuthentication, against the CRD schemas that
 * @kubernetes-models/keda ships. Everything is in node_modules: nothing is downloaded at run time.
 * Those schemas check types, required fields, enums and formats; like kubeconform without -strict they do not
 * reject unknown fields (deploy.spec.ts checks the fields that matter to us by name).
 */
import type { K8sObject } from './render.js';

interface ModelClass {
  new (data: K8sObject): { validate(): void };
}

/** API group → the package whose models cover it; the rest are Kubernetes' own groups. */
const CRD_PACKAGES: Readonly<Record<string, string>> = { 'keda.sh': '@kubernetes-models/keda' };

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const pkg = CRD_PACKAGES[group] ?? 'kubernetes-models';
  let module: Record<string, unknown>;
  try {
    module = (await import(`${pkg}/${apiVersion}`)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`no schema for apiVersion ${apiVersion} (looked in ${pkg})`, { cause: error });
  }
  const model = module[kind];
  if (typeof model !== 'function') throw new Error(`no schema for ${kind} in ${apiVersion}`);
  return model as ModelClass;
}

/** Throws with the object's kind/name and the schema's complaint when it is invalid. */
export async function validateObject(object: K8sObject): Promise<void> {
  const Model = await modelFor(object.apiVersion, object.kind);
  try {
    new Model(object).validate();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${object.kind}/${object.metadata.name}: ${reason}`, { cause: error });
  }
}
