/**
 * Validation of rendered Kubernetes objects: the OpenAPI schemas shipped by kubernetes-models
 * (types, required fields, enums) plus the rules those schemas cannot express: DNS names, label
 * syntax, image presence, the restricted security context and Secret references.
 */
import { parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML error: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((obj): obj is K8sObject => obj !== null);
}

/** The one object of `kind` named `name`; throws when it was not rendered. */
export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered`);
  return found;
}

/** GKE CRDs have no kubernetes-models schema; their shape is checked by `crdProblems`. */
const GKE_CRDS = new Set(['networking.gke.io/v1/ManagedCertificate', 'networking.gke.io/v1beta1/FrontendConfig']);

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  // Core kinds live at kubernetes-models/v1, others at kubernetes-models/<group>/<version>. Jest's
  // ESM loader may expose a CommonJS module's exports under `default` only.
  const module = (await import(`kubernetes-models/${apiVersion}`)) as Record<string, unknown> & { default?: Record<string, unknown> };
  return (module[kind] ?? module.default?.[kind]) as ModelClass | undefined;
}

/** Schema problems of all objects, checked one by one (Jest's ESM loader fails on concurrent imports of one module). */
export async function schemaProblemsOfAll(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const obj of objects) problems.push(...(await schemaProblems(obj)));
  return problems;
}

/** Schema problems of one object; throws for a kind that is neither in kubernetes-models nor a known CRD. */
export async function schemaProblems(obj: K8sObject): Promise<string[]> {
  const id = `${obj.apiVersion}/${obj.kind}`;
  if (GKE_CRDS.has(id)) return crdProblems(obj);
  const Model = await modelFor(obj.apiVersion, obj.kind);
  if (!Model) throw new Error(`no kubernetes-models schema for ${id}`);
  try {
    new Model(asApiServerDecodes(obj)).validate();
    return [];
  } catch (error) {
    return [`${id} ${obj.metadata?.name}: ${(error as Error).message}`];
  }
}

/**
 * kustomize wraps long base64 Secret data at 70 columns; the API server's Go base64 decoder skips
 * line breaks, but the "byte" format check of the schema does not, so unwrap before validating.
 */
function asApiServerDecodes(obj: K8sObject): K8sObject {
  if (obj.kind !== 'Secret' || typeof obj.data !== 'object' || obj.data === null) return obj;
  const data = Object.fromEntries(Object.entries(obj.data).map(([key, value]) => [key, String(value).replace(/[\r\n]/g, '')]));
  return { ...obj, data };
}

function crdProblems(obj: K8sObject): string[] {
  const spec = obj.spec ?? {};
  if (obj.kind === 'ManagedCertificate') {
    const domains = spec.domains;
    const ok = Array.isArray(domains) && domains.length >= 1 && domains.length <= 100 && domains.every((d) => typeof d === 'string' && DNS_SUBDOMAIN.test(d));
    return ok ? [] : [`ManagedCertificate ${obj.metadata.name}: spec.domains must be 1-100 DNS names`];
  }
  const redirect = spec.redirectToHttps as { enabled?: unknown; responseCodeName?: unknown } | undefined;
  const codes = ['MOVED_PERMANENTLY_DEFAULT', 'FOUND', 'SEE_OTHER', 'TEMPORARY_REDIRECT', 'PERMANENT_REDIRECT'];
  const ok = redirect === undefined || (typeof redirect.enabled === 'boolean' && (redirect.responseCodeName === undefined || codes.includes(String(redirect.responseCodeName))));
  return ok ? [] : [`FrontendConfig ${obj.metadata.name}: spec.redirectToHttps is malformed`];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function labelProblems(where: string, labels: Record<string, unknown> | undefined): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    const [prefix, name] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    if ((prefix !== undefined && !DNS_SUBDOMAIN.test(prefix)) || !LABEL_KEY_NAME.test(name) || name.length > 63) {
      problems.push(`${where}: invalid label key ${key}`);
    }
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      problems.push(`${where}: invalid value for label ${key}: ${JSON.stringify(value)}`);
    }
  }
  return problems;
}

interface Container {
  name: string;
  image?: string;
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { secretRef?: { name: string } }[];
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
    seccompProfile?: { type?: string };
  };
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type?: string } };
}

/** The pod spec of a workload, or undefined for other kinds. */
export function podSpecOf(obj: K8sObject): PodSpec | undefined {
  const spec = obj.spec as Record<string, any> | undefined;
  switch (obj.kind) {
    case 'Pod':
      return spec as PodSpec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return spec?.template?.spec;
    case 'CronJob':
      return spec?.jobTemplate?.spec?.template?.spec;
    default:
      return undefined;
  }
}

export function containersOf(obj: K8sObject): Container[] {
  const pod = podSpecOf(obj);
  return pod ? [...(pod.initContainers ?? []), ...pod.containers] : [];
}

/** Secret names referenced by env secretKeyRef / envFrom secretRef. */
export function referencedSecrets(obj: K8sObject): string[] {
  return containersOf(obj).flatMap((c) => [
    ...(c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
    ...(c.envFrom ?? []).flatMap((e) => (e.secretRef ? [e.secretRef.name] : [])),
  ]);
}

/** The Pod Security Standard "restricted" rules the chart promises, per container. */
export function securityProblems(obj: K8sObject): string[] {
  const pod = podSpecOf(obj);
  if (!pod) return [];
  const where = `${obj.kind} ${obj.metadata.name}`;
  const problems: string[] = [];
  const podContext = pod.securityContext ?? {};
  if (podContext.runAsNonRoot !== true) problems.push(`${where}: pod securityContext.runAsNonRoot must be true`);
  if (podContext.runAsUser === 0) problems.push(`${where}: runAsUser 0`);
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const sc = c.securityContext ?? {};
    const seccomp = sc.seccompProfile?.type ?? podContext.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault') problems.push(`${where}/${c.name}: seccompProfile must be RuntimeDefault`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}/${c.name}: allowPrivilegeEscalation must be false`);
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}/${c.name}: readOnlyRootFilesystem must be true`);
    if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}/${c.name}: capabilities must drop ALL`);
  }
  return problems;
}

/** Rules the OpenAPI schemas do not encode. */
export function conventionProblems(obj: K8sObject): string[] {
  const where = `${obj.kind} ${obj.metadata?.name}`;
  const problems: string[] = [];
  const name = obj.metadata?.name ?? '';
  const nameRule = obj.kind === 'Service' ? DNS_1035_LABEL : DNS_SUBDOMAIN;
  const maxLength = obj.kind === 'Service' || obj.kind === 'CronJob' ? 63 : 253;
  if (!nameRule.test(name) || name.length > maxLength) problems.push(`${where}: metadata.name is not a valid DNS name`);
  if (obj.metadata?.namespace !== undefined && !DNS_LABEL.test(obj.metadata.namespace)) problems.push(`${where}: bad namespace`);
  problems.push(...labelProblems(where, obj.metadata?.labels));
  const template = (obj.spec as Record<string, any> | undefined)?.template;
  if (template?.metadata?.labels) problems.push(...labelProblems(`${where} pod template`, template.metadata.labels));
  for (const c of containersOf(obj)) {
    if (!c.image || /\s/.test(c.image)) problems.push(`${where}/${c.name}: container image missing`);
    else if (!/[:@][^/]+$/.test(c.image) || c.image.endsWith(':latest')) problems.push(`${where}/${c.name}: image ${c.image} must carry a pinned tag`);
  }
  return problems;
}
