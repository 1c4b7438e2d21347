/**
 * terraform/ cannot be planned here (no provider downloads, no GCP), so it is checked statically:
 * `terraform fmt`, a parse of every file with @cdktf/hcl2json, references that resolve (variables,
 * locals, resources, outputs) and the exact least-privilege IAM grants.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from '@cdktf/hcl2json';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CHART_DIR, missingTool, REPO_ROOT, run } from './support/tools.js';

const TF_DIR = path.join(REPO_ROOT, 'terraform');
const TF_ENV = { TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' };

type Block = Record<string, unknown>;
interface HclFile {
  variable?: Record<string, Block[]>;
  output?: Record<string, Block[]>;
  locals?: Block[];
  resource?: Record<string, Record<string, Block[]>>;
  data?: Record<string, Record<string, Block[]>>;
  module?: Record<string, Block[]>;
}

const parsed: Record<string, HclFile> = {};

/** Every `${...}` expression string anywhere in a parsed block. */
function expressions(node: unknown): string[] {
  if (typeof node === 'string') return node.includes('${') ? [node] : [];
  if (Array.isArray(node)) return node.flatMap(expressions);
  if (node && typeof node === 'object') return Object.values(node).flatMap(expressions);
  return [];
}

interface Reference {
  kind: 'var' | 'local' | 'resource' | 'data' | 'module';
  id: string;
}

const REFERENCE = /\b(?:(var|local|module)\.([A-Za-z_][\w-]*)|data\.([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)|((?:google|random)_[a-z0-9_]+)\.([A-Za-z_][\w-]*))/g;

function references(node: unknown): Reference[] {
  return expressions(node).flatMap((expr) =>
    [...expr.matchAll(REFERENCE)].map((m): Reference => {
      if (m[1]) return { kind: m[1] as Reference['kind'], id: m[2] };
      if (m[3]) return { kind: 'data', id: `${m[3]}.${m[4]}` };
      return { kind: 'resource', id: `${m[5]}.${m[6]}` };
    }),
  );
}

function declared(): Record<Reference['kind'], Set<string>> {
  const files = Object.values(parsed);
  const typed = (key: 'resource' | 'data') =>
    new Set(files.flatMap((f) => Object.entries(f[key] ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))));
  return {
    var: new Set(files.flatMap((f) => Object.keys(f.variable ?? {}))),
    local: new Set(files.flatMap((f) => (f.locals ?? []).flatMap((block) => Object.keys(block)))),
    module: new Set(files.flatMap((f) => Object.keys(f.module ?? {}))),
    resource: typed('resource'),
    data: typed('data'),
  };
}

describe('terraform/', () => {
  beforeAll(async () => {
    for (const file of readdirSync(TF_DIR).filter((f) => f.endsWith('.tf') || f.endsWith('.tfvars.example'))) {
      parsed[file] = (await parse(file, readFileSync(path.join(TF_DIR, file), 'utf8'))) as HclFile;
    }
  });

  const fmtSkip = missingTool('terraform', 'HashiCorp terraform binary; fmt is checked where it is installed');
  (fmtSkip ? test.skip : test)('terraform fmt -check -recursive is clean', () => {
    const result = run('terraform', ['fmt', '-check', '-diff', '-recursive', 'terraform'], TF_ENV);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  test('every file parses and the expected files exist', () => {
    expect(Object.keys(parsed).sort()).toEqual([
      'bigquery.tf', 'cloudsql.tf', 'gke.tf', 'iam.tf', 'main.tf', 'outputs.tf', 'registry.tf', 'secrets.tf',
      'terraform.tfvars.example', 'variables.tf', 'versions.tf',
    ]);
  });

  test('every reference resolves: var.*, local.*, resources, data sources, modules', () => {
    const known = declared();
    const unresolved = Object.entries(parsed)
      .filter(([file]) => file.endsWith('.tf'))
      .flatMap(([file, hcl]) => references(hcl).filter((r) => !known[r.kind].has(r.id)).map((r) => `${file}: ${r.kind} ${r.id}`));
    expect(unresolved).toEqual([]);
  });

  test('every variable is used, described, typed; the example tfvars sets only declared variables', () => {
    const used = new Set(Object.values(parsed).flatMap((hcl) => references(hcl).filter((r) => r.kind === 'var').map((r) => r.id)));
    const variables = Object.entries(parsed['variables.tf'].variable ?? {});
    expect(variables.length).toBeGreaterThan(20);
    for (const [name, [block]] of variables) {
      expect({ name, used: used.has(name), described: typeof block.description === 'string' && block.description.length > 10, typed: 'type' in block })
        .toEqual({ name, used: true, described: true, typed: true });
    }
    const example = parsed['terraform.tfvars.example'] as unknown as Record<string, unknown>;
    expect(Object.keys(example).filter((name) => !(name in (parsed['variables.tf'].variable ?? {})))).toEqual([]);
  });

  test('inputs with a format carry a validation block', () => {
    const variables = parsed['variables.tf'].variable ?? {};
    const validated = Object.entries(variables).filter(([, [block]]) => 'validation' in block).map(([name]) => name);
    expect(validated).toEqual(expect.arrayContaining([
      'project_id', 'region', 'name_prefix', 'subnet_cidr', 'pods_cidr', 'services_cidr', 'master_ipv4_cidr',
      'gke_release_channel', 'cloudsql_availability_type', 'bigquery_datasets', 'k8s_namespace', 'k8s_jobs_namespace',
    ]));
  });

  test('every output is described and references existing resources or variables', () => {
    const known = declared();
    const outputs = Object.entries(parsed['outputs.tf'].output ?? {});
    expect(outputs.map(([name]) => name)).toEqual(expect.arrayContaining([
      'artifact_registry_url', 'control_plane_gsa_email', 'etl_gsa_email', 'ingress_static_ip_name', 'helm_values', 'gke_get_credentials',
    ]));
    for (const [name, [block]] of outputs) {
      const refs = references(block.value);
      expect({ name, described: typeof block.description === 'string', hasReferences: refs.length > 0, unresolved: refs.filter((r) => !known[r.kind].has(r.id)) })
        .toEqual({ name, described: true, hasReferences: true, unresolved: [] });
    }
  });

  test('IAM grants are exactly the least roles per service account', () => {
    const grants = Object.values(parsed).flatMap((hcl) =>
      Object.entries(hcl.resource ?? {})
        .filter(([type]) => type.endsWith('_iam_member'))
        .flatMap(([type, byName]) => Object.entries(byName).map(([name, [block]]) => {
          const member = String(block.member).replace(/\$\{google_service_account\.(\w+)\.email\}/, '$1');
          const role = String(block.role) === '${each.value}' ? String(block.for_each) : String(block.role);
          return `${type}.${name}: ${member} -> ${role}`;
        })),
    ).sort();
    expect(grants).toEqual([
      'google_artifact_registry_repository_iam_member.nodes_pull: serviceAccount:nodes -> roles/artifactregistry.reader',
      'google_bigquery_dataset_iam_member.etl_data_editor: serviceAccount:etl -> roles/bigquery.dataEditor',
      'google_project_iam_member.control_plane_log_viewer: serviceAccount:control_plane -> roles/logging.viewer',
      'google_project_iam_member.etl_bigquery_job_user: serviceAccount:etl -> roles/bigquery.jobUser',
      'google_project_iam_member.nodes: serviceAccount:nodes -> ${local.node_roles}',
      'google_service_account_iam_member.control_plane_workload_identity: serviceAccount:${local.workload_pool}[${var.k8s_namespace}/${var.k8s_control_plane_service_account}] -> roles/iam.workloadIdentityUser',
      'google_service_account_iam_member.etl_workload_identity: serviceAccount:${local.workload_pool}[${var.k8s_jobs_namespace}/${var.k8s_etl_service_account}] -> roles/iam.workloadIdentityUser',
    ]);
    expect(parsed['iam.tf'].locals?.[0].node_roles).toBe(
      '${toset([\n    "roles/logging.logWriter",\n    "roles/monitoring.metricWriter",\n    "roles/monitoring.viewer",\n    "roles/stackdriver.resourceMetadata.writer",\n  ])}',
    );
  });

  test('GKE has Workload Identity, GKE_METADATA nodes and Dataplane V2; Cloud SQL has no public IP', () => {
    const cluster = parsed['gke.tf'].resource?.google_container_cluster.main[0] as any;
    expect(cluster.workload_identity_config).toEqual([{ workload_pool: '${local.workload_pool}' }]);
    expect(cluster.datapath_provider).toBe('ADVANCED_DATAPATH');
    const pool = parsed['gke.tf'].resource?.google_container_node_pool.default[0] as any;
    expect(pool.node_config[0].workload_metadata_config).toEqual([{ mode: 'GKE_METADATA' }]);
    const sql = parsed['cloudsql.tf'].resource?.google_sql_database_instance.main[0] as any;
    expect(sql.database_version).toBe('POSTGRES_15');
    expect(sql.settings[0].ip_configuration).toEqual([{ ipv4_enabled: false, private_network: '${google_compute_network.main.id}' }]);
  });

  test('Workload Identity subjects default to the chart names used with ci/gke-values.yaml (release etl-monitor)', () => {
    const defaults = Object.fromEntries(Object.entries(parsed['variables.tf'].variable ?? {}).map(([name, [block]]) => [name, block.default]));
    const gke = parseYaml(readFileSync(path.join(CHART_DIR, 'ci/gke-values.yaml'), 'utf8')) as { jobs: { namespace: string } };
    expect({
      namespace: defaults.k8s_namespace,
      jobsNamespace: defaults.k8s_jobs_namespace,
      controlPlane: defaults.k8s_control_plane_service_account,
      etl: defaults.k8s_etl_service_account,
    }).toEqual({ namespace: 'etl-monitor', jobsNamespace: gke.jobs.namespace, controlPlane: 'etl-monitor', etl: 'etl-monitor-etl-job' });
  });
});
