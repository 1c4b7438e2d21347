/**
 * Plain manifests (k8s/): the base equals the chart's default render minus Helm bookkeeping, and
 * each overlay builds offline with `kubectl kustomize` into objects that pass the same validation
 * as the chart. UPDATE_GOLDEN=1 regenerates k8s/base/etl-monitor.yaml from the chart.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONTRACT_ENV, CONTRACT_ROLE_RULES, EXTERNAL_SECRETS } from './support/contract.js';
import {
  containersOf, conventionProblems, findObject as find, K8sObject, parseManifests, podSpecOf, referencedSecrets, schemaProblemsOfAll, securityProblems,
} from './support/k8s-checks.js';
import { byIdentity, serializeBase, withoutHelm } from './support/kustomize-base.js';
import { buildRenderer, CHART_DIR, missingTool, REPO_ROOT, render, run } from './support/tools.js';

const skipReason = missingTool('kubectl', 'kubectl with built-in kustomize, e.g. from google-cloud-cli') ?? missingTool('go', 'needed to render the chart for the base comparison');
const suite = skipReason ? describe.skip : describe;

const BASE_FILE = path.join(REPO_ROOT, 'k8s/base/etl-monitor.yaml');
const OVERLAYS = ['dev', 'gke'] as const;
/** The sample Firebird image starts as root (dev overlay only, documented in k8s/overlays/dev/firebird.yaml). */
const RESTRICTED_EXEMPT = new Set(['Deployment/firebird']);

function kustomize(dir: string): K8sObject[] {
  const result = run('kubectl', ['kustomize', dir]);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}


const built = {} as Record<(typeof OVERLAYS)[number], K8sObject[]>;

suite('k8s/ kustomize manifests', () => {
  beforeAll(() => {
    const chart = render(buildRenderer(), ['etl-monitor', CHART_DIR, '-n', 'etl-monitor', '--strict']);
    if (chart.status !== 0) throw new Error(chart.stderr);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(BASE_FILE, serializeBase(parseManifests(chart.stdout).map(withoutHelm)));
    for (const overlay of OVERLAYS) built[overlay] = kustomize(`k8s/overlays/${overlay}`);
  });

  test('base holds exactly the chart default objects without Helm labels and hooks', () => {
    const chart = render(buildRenderer(), ['etl-monitor', CHART_DIR, '-n', 'etl-monitor', '--strict']);
    const expected = parseManifests(chart.stdout).map(withoutHelm).sort(byIdentity);
    expect(kustomize('k8s/base').sort(byIdentity)).toEqual(expected);
    expect(readFileSync(BASE_FILE, 'utf8')).toContain('# GENERATED from charts/etl-monitor');
  });

  test.each(OVERLAYS)('%s overlay: every object passes kubernetes-models and the naming/label/image rules', async (overlay) => {
    expect(await schemaProblemsOfAll(built[overlay])).toEqual([]);
    expect(built[overlay].flatMap(conventionProblems)).toEqual([]);
  });

  test.each(OVERLAYS)('%s overlay: workloads run under the restricted security context', (overlay) => {
    const checked = built[overlay].filter((o) => !RESTRICTED_EXEMPT.has(`${o.kind}/${o.metadata.name}`));
    expect(checked.flatMap(securityProblems)).toEqual([]);
  });

  test.each(OVERLAYS)('%s overlay: Role equals the contract and binds the control-plane ServiceAccount in the namespace', (overlay) => {
    const namespace = overlay === 'dev' ? 'etl-monitor-dev' : 'etl-monitor';
    expect(find(built[overlay], 'Role', 'etl-monitor-runtime').rules).toEqual(CONTRACT_ROLE_RULES);
    expect(find(built[overlay], 'RoleBinding', 'etl-monitor-runtime').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'etl-monitor', namespace },
    ]);
    expect(new Set(built[overlay].map((o) => o.metadata.namespace))).toEqual(new Set([namespace]));
    const config = find(built[overlay], 'ConfigMap', 'etl-monitor-config').data as Record<string, string>;
    expect(config.ETL_NAMESPACE).toBe(namespace);
    expect(Object.keys(config).filter((name) => !CONTRACT_ENV.has(name))).toEqual([]);
  });

  test('dev overlay: one replica, no PDB, development mode, in-cluster PostgreSQL and Firebird, all Secrets generated', () => {
    const objects = built.dev;
    expect((find(objects, 'Deployment', 'etl-monitor').spec as any).replicas).toBe(1);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(find(objects, 'ConfigMap', 'etl-monitor-config').data).toMatchObject({
      NODE_ENV: 'development', ETL_RUNTIME: 'kubernetes', ETL_EXTRACTOR_IMAGE: 'etl-monitor/etl:dev', PUBLIC_URL: 'http://127.0.0.1:8080',
    });
    // config.ts refuses the development IdP with the kubernetes runtime.
    expect(find(objects, 'ConfigMap', 'etl-monitor-config').data).not.toHaveProperty('ETL_DEV_IDP');
    expect(containersOf(find(objects, 'Deployment', 'etl-monitor')).map((c) => c.image)).toEqual(['etl-monitor/api:dev']);
    for (const name of ['postgres', 'firebird']) {
      expect(find(objects, 'Service', name).spec).toMatchObject({ selector: { 'app.kubernetes.io/name': name } });
    }
    const secrets = new Set(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name));
    const referenced = new Set(objects.flatMap(referencedSecrets));
    expect([...referenced].filter((name) => !secrets.has(name))).toEqual([]);
    expect(referenced).toEqual(new Set([...EXTERNAL_SECRETS, 'postgres-dev', 'firebird-dev']));
    const databaseUrl = find(objects, 'Secret', 'etl-monitor-database').data as Record<string, string>;
    expect(Buffer.from(databaseUrl.DATABASE_URL, 'base64').toString()).toBe('postgres://etl_monitor:etl-monitor-dev@postgres:5432/etl_monitor');
    const egressPorts = (find(objects, 'NetworkPolicy', 'etl-monitor-extractor').spec as any).egress.flatMap((rule: any) => rule.ports.map((p: any) => p.port));
    expect(egressPorts).toEqual([53, 53, 3050, 443, 80, 988, 3050, 5432]);
  });

  test('gke overlay: Artifact Registry images, Workload Identity, GKE Ingress, Secrets left to the operator', () => {
    const objects = built.gke;
    expect(containersOf(find(objects, 'Deployment', 'etl-monitor')).map((c) => c.image)).toEqual([
      'europe-west1-docker.pkg.dev/acme-etl-prod/etl-monitor/api:0.1.0',
    ]);
    expect(podSpecOf(find(objects, 'Job', 'etl-monitor-migrate'))!.containers[0].image).toBe('europe-west1-docker.pkg.dev/acme-etl-prod/etl-monitor/api:0.1.0');
    expect(find(objects, 'ServiceAccount', 'etl-monitor').metadata.annotations).toEqual({
      'iam.gke.io/gcp-service-account': 'etl-monitor-api@acme-etl-prod.iam.gserviceaccount.com',
    });
    expect(find(objects, 'ServiceAccount', 'etl-monitor-etl-job').metadata.annotations).toEqual({
      'iam.gke.io/gcp-service-account': 'etl-monitor-etl@acme-etl-prod.iam.gserviceaccount.com',
    });
    expect(find(objects, 'Ingress', 'etl-monitor').metadata.annotations?.['networking.gke.io/managed-certificates']).toBe('etl-monitor');
    expect(find(objects, 'ManagedCertificate', 'etl-monitor').spec).toEqual({ domains: ['etl.acme.example'] });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect([...new Set(objects.flatMap(referencedSecrets))].sort()).toEqual(EXTERNAL_SECRETS);
    expect(find(objects, 'ConfigMap', 'etl-monitor-config').data).toMatchObject({
      NODE_ENV: 'production', ETL_EXTRACTOR_IMAGE: 'europe-west1-docker.pkg.dev/acme-etl-prod/etl-monitor/etl:0.1.0',
    });
  });
});
