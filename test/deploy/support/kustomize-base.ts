/**
 * k8s/base is the chart's default render without Helm's bookkeeping, so the plain manifests and
 * the chart cannot drift: the kustomize test regenerates or compares it from the same render.
 */
import { stringify } from 'yaml';
import { K8sObject } from './k8s-checks.js';

const HELM_ANNOTATIONS = ['helm.sh/hook', 'helm.sh/hook-weight', 'helm.sh/hook-delete-policy'];

function relabel(labels: Record<string, string> | undefined): void {
  if (!labels) return;
  delete labels['helm.sh/chart'];
  if (labels['app.kubernetes.io/managed-by'] === 'Helm') labels['app.kubernetes.io/managed-by'] = 'kustomize';
}

/** The chart object as plain kustomize would carry it: no helm.sh/chart label, no hook annotations. */
export function withoutHelm(chartObject: K8sObject): K8sObject {
  const obj = structuredClone(chartObject);
  relabel(obj.metadata.labels);
  const template = (obj.spec as Record<string, any> | undefined)?.template;
  relabel(template?.metadata?.labels);
  const annotations = obj.metadata.annotations;
  if (annotations) {
    for (const key of HELM_ANNOTATIONS) delete annotations[key];
    if (Object.keys(annotations).length === 0) delete obj.metadata.annotations;
  }
  return obj;
}

export const BASE_HEADER = [
  '# GENERATED from charts/etl-monitor with default values (release etl-monitor, namespace etl-monitor),',
  '# without Helm labels and hook annotations. Do not edit: change the chart, then run',
  '#   UPDATE_GOLDEN=1 npm run jest -- test/deploy/kustomize.test.ts',
  '# The migration Job is immutable once created: `kubectl delete job etl-monitor-migrate --ignore-not-found`',
  '# before re-applying with a new image (it deletes itself one hour after finishing).',
].join('\n');

export function serializeBase(objects: K8sObject[]): string {
  return `${BASE_HEADER}\n${objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('')}`;
}

/** Stable identity for order-insensitive comparison of rendered object sets. */
export function byIdentity(a: K8sObject, b: K8sObject): number {
  const key = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  return key(a).localeCompare(key(b));
}
