/**
 * The Helm chart, rendered offline in strict mode by scripts/helm-render: golden files per values
 * profile, every object validated (kubernetes-models + conventions + restricted security context),
 * the RBAC contract, and the values schema rejecting bad input with Helm's messages.
 * Regenerate the golden files with UPDATE_GOLDEN=1 after an intended chart change.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { conventionProblems, findObject as find, K8sObject, parseManifests, podSpecOf, referencedSecrets, schemaProblemsOfAll, securityProblems } from './support/k8s-checks.js';
import { CONTRACT_ENV, CONTRACT_ROLE_RULES } from './support/contract.js';
import { buildRenderer, CHART_DIR, missingTool, render } from './support/tools.js';

const skipReason = missingTool('go', 'Debian golang-go + Helm template libraries; run scripts/install-system-deps.sh');
const suite = skipReason ? describe.skip : describe;

const GOLDEN_DIR = path.join(import.meta.dirname, 'golden');
const BASE_ARGS = ['etl-monitor', CHART_DIR, '-n', 'etl-monitor', '--strict'];
const PROFILES = {
  default: { args: BASE_ARGS, golden: 'chart-default.yaml' },
  gke: { args: [...BASE_ARGS, '-f', path.join(CHART_DIR, 'ci/gke-values.yaml')], golden: 'chart-gke.yaml' },
} as const;
type Profile = keyof typeof PROFILES;

let renderer: string;
const rendered = {} as Record<Profile, { text: string; objects: K8sObject[] }>;


suite('charts/etl-monitor rendered by helm-render', () => {
  beforeAll(() => {
    renderer = buildRenderer();
    for (const [profile, { args }] of Object.entries(PROFILES) as [Profile, (typeof PROFILES)[Profile]][]) {
      const result = render(renderer, [...args]);
      if (result.status !== 0) throw new Error(`render ${profile} failed: ${result.stderr}`);
      rendered[profile] = { text: result.stdout, objects: parseManifests(result.stdout) };
    }
  });

  test.each(Object.keys(PROFILES) as Profile[])('%s values: output equals the golden file', (profile) => {
    const goldenPath = path.join(GOLDEN_DIR, PROFILES[profile].golden);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath, rendered[profile].text);
    expect(rendered[profile].text).toBe(readFileSync(goldenPath, 'utf8'));
  });

  test('default values render exactly the expected objects', () => {
    expect(rendered.default.objects.map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.namespace}`)).toEqual([
      'NetworkPolicy/etl-monitor-control-plane@etl-monitor',
      'NetworkPolicy/etl-monitor-extractor@etl-monitor',
      'PodDisruptionBudget/etl-monitor@etl-monitor',
      'ServiceAccount/etl-monitor@etl-monitor',
      'ServiceAccount/etl-monitor-etl-job@etl-monitor',
      'ConfigMap/etl-monitor-config@etl-monitor',
      'Role/etl-monitor-runtime@etl-monitor',
      'RoleBinding/etl-monitor-runtime@etl-monitor',
      'Service/etl-monitor@etl-monitor',
      'Deployment/etl-monitor@etl-monitor',
      'Job/etl-monitor-migrate@etl-monitor',
    ]);
  });

  test('GKE values add the Ingress, ManagedCertificate and FrontendConfig and move job objects to etl-jobs', () => {
    const ids = rendered.gke.objects.map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.namespace}`);
    expect(ids).toEqual(expect.arrayContaining([
      'Ingress/etl-monitor@etl-monitor',
      'ManagedCertificate/etl-monitor@etl-monitor',
      'FrontendConfig/etl-monitor@etl-monitor',
      'Role/etl-monitor-runtime@etl-jobs',
      'RoleBinding/etl-monitor-runtime@etl-jobs',
      'ServiceAccount/etl-monitor-etl-job@etl-jobs',
      'NetworkPolicy/etl-monitor-extractor@etl-jobs',
    ]));
    expect(ids).toHaveLength(14);
    const ingress = find(rendered.gke.objects, 'Ingress', 'etl-monitor');
    expect(ingress.metadata.annotations).toEqual({
      'kubernetes.io/ingress.class': 'gce',
      'kubernetes.io/ingress.global-static-ip-name': 'etl-monitor-ip',
      'networking.gke.io/managed-certificates': 'etl-monitor',
      'networking.gke.io/v1beta1.FrontendConfig': 'etl-monitor',
    });
  });

  test.each(Object.keys(PROFILES) as Profile[])('%s values: every object passes the kubernetes-models schema', async (profile) => {
    const problems = await schemaProblemsOfAll(rendered[profile].objects);
    expect(problems).toEqual([]);
  });

  test.each(Object.keys(PROFILES) as Profile[])('%s values: names, labels, images and the restricted security context', (profile) => {
    const problems = rendered[profile].objects.flatMap((o) => [...conventionProblems(o), ...securityProblems(o)]);
    expect(problems).toEqual([]);
  });

  test.each(Object.keys(PROFILES) as Profile[])('%s values: every secretKeyRef names a Secret from existingSecrets', (profile) => {
    const values = parseYaml(readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8')) as {
      existingSecrets: Record<string, { name: string }>;
    };
    const allowed = Object.values(values.existingSecrets).map((s) => s.name).sort();
    const used = [...new Set(rendered[profile].objects.flatMap(referencedSecrets))].sort();
    expect(used).toEqual(allowed);
    expect(rendered[profile].objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('the runtime Role equals the contract exactly and is bound to the control-plane ServiceAccount', () => {
    for (const profile of Object.keys(PROFILES) as Profile[]) {
      const role = find(rendered[profile].objects, 'Role', 'etl-monitor-runtime');
      expect(role.rules).toEqual(CONTRACT_ROLE_RULES);
      const binding = find(rendered[profile].objects, 'RoleBinding', 'etl-monitor-runtime');
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'etl-monitor-runtime' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'etl-monitor', namespace: 'etl-monitor' }]);
      expect(rendered[profile].objects.filter((o) => o.kind.startsWith('Cluster'))).toEqual([]);
    }
  });

  test('control plane: 2 replicas, port 8080, /healthz and /readyz probes, /tmp emptyDir, leader election env', () => {
    const deployment = find(rendered.default.objects, 'Deployment', 'etl-monitor');
    const spec = deployment.spec as any;
    expect(spec.replicas).toBe(2);
    const container = podSpecOf(deployment)!.containers[0] as any;
    expect(container.args).toEqual(['serve']);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }]);
    expect(spec.template.spec.securityContext.runAsUser).toBe(10001);
    expect(container.env.slice(0, 2)).toEqual([
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    const config = find(rendered.default.objects, 'ConfigMap', 'etl-monitor-config').data as Record<string, string>;
    expect(config).toMatchObject({ ETL_RUNTIME: 'kubernetes', ETL_LEADER_LEASE: 'etl-monitor-leader', ETL_NAMESPACE: 'etl-monitor', PORT: '8080' });
  });

  test('every configured environment variable is one the contract defines', () => {
    for (const profile of Object.keys(PROFILES) as Profile[]) {
      const config = find(rendered[profile].objects, 'ConfigMap', 'etl-monitor-config').data as Record<string, string>;
      const deployment = podSpecOf(find(rendered[profile].objects, 'Deployment', 'etl-monitor'))!.containers[0];
      const names = [...Object.keys(config), ...(deployment.env ?? []).map((e) => e.name)];
      expect(names.filter((n) => !CONTRACT_ENV.has(n))).toEqual([]);
    }
  });

  test('GKE values: Workload Identity annotations and job settings', () => {
    const objects = rendered.gke.objects;
    expect(find(objects, 'ServiceAccount', 'etl-monitor').metadata.annotations).toEqual({
      'iam.gke.io/gcp-service-account': 'etl-monitor-api@acme-etl-prod.iam.gserviceaccount.com',
    });
    const jobSa = find(objects, 'ServiceAccount', 'etl-monitor-etl-job');
    expect(jobSa.metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'etl-monitor-etl@acme-etl-prod.iam.gserviceaccount.com' });
    expect(jobSa.automountServiceAccountToken).toBe(false);
    expect(find(objects, 'ConfigMap', 'etl-monitor-config').data).toMatchObject({
      ETL_NAMESPACE: 'etl-jobs',
      ETL_JOB_SERVICE_ACCOUNT: 'etl-monitor-etl-job',
      ETL_EXTRACTOR_IMAGE: 'europe-west1-docker.pkg.dev/acme-etl-prod/etl-monitor/etl:0.1.0',
      GOOGLE_CLOUD_PROJECT: 'acme-etl-prod',
      ETL_JOB_MEMORY_LIMIT: '1Gi',
    });
  });

  test('migration Job is a pre-install/pre-upgrade hook running `migrate` with only DATABASE_URL', () => {
    const job = find(rendered.default.objects, 'Job', 'etl-monitor-migrate');
    expect(job.metadata.annotations).toEqual({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '0',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    const pod = podSpecOf(job)! as any;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBeUndefined();
    expect(pod.containers[0].args).toEqual(['migrate']);
    expect(pod.containers[0].env).toEqual([
      { name: 'NODE_ENV', value: 'production' },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'etl-monitor-database', key: 'DATABASE_URL' } } },
    ]);
    expect(rendered.default.text.trimEnd().split('\n---\n').at(-1)).toContain('# Source: etl-monitor/templates/migrate-job.yaml');
  });

  test('extractor NetworkPolicy selects the contract labels and allows only DNS, Firebird, Google APIs, metadata', () => {
    const policy = find(rendered.gke.objects, 'NetworkPolicy', 'etl-monitor-extractor').spec as any;
    expect(policy.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/managed-by': 'etl-monitor', 'app.kubernetes.io/component': 'extractor' } });
    expect(policy.ingress).toEqual([]);
    expect(policy.egress.map((rule: any) => rule.ports.map((p: any) => `${p.protocol}/${p.port}`).join(','))).toEqual([
      'UDP/53,TCP/53', 'TCP/3050', 'TCP/443', 'TCP/80,TCP/988',
    ]);
    expect(policy.egress[1].to).toEqual([{ ipBlock: { cidr: '10.20.0.0/24' } }]);
  });

  test('replicaCount 1 drops the PodDisruptionBudget (it would block node drains)', () => {
    const result = render(renderer, [...BASE_ARGS, '--set', 'replicaCount=1']);
    expect(result.status).toBe(0);
    expect(parseManifests(result.stdout).map((o) => o.kind)).not.toContain('PodDisruptionBudget');
  });

  const SCHEMA_HEADER = "Error: values don't meet the specifications of the schema(s) in the following chart(s):\netl-monitor:\n";
  test.each([
    [['--set', 'replicaCount=0'], '- replicaCount: Must be greater than or equal to 1'],
    [['--set', 'image.tag=null'], '- image: tag is required'],
    [['--set', 'image.tag='], '- image.tag: String length must be greater than or equal to 1'],
    [['--set', 'replicas=3'], '- (root): Additional property replicas is not allowed'],
    [['--set', 'config.nodeEnv=prod'], '- config.nodeEnv: config.nodeEnv must be one of the following: "production", "development"'],
    [['--set-string', 'replicaCount=2'], '- replicaCount: Invalid type. Expected: integer, given: string'],
    [['--set', 'existingSecrets.databaseUrl.name=Bad_Name'], "- existingSecrets.databaseUrl.name: Does not match pattern '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'"],
  ])('schema rejects %j with a clear message', (args, message) => {
    const result = render(renderer, [...BASE_ARGS, ...args]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`${SCHEMA_HEADER}${message}\n`);
  });
});
