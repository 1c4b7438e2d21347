/** Deployment facts fixed by the team contract (/tmp/etl-team/CONTRACTS.md), shared by the deploy tests. */

/** The control-plane Role: README "Minimal RBAC Role" (checked against a full run by test/k8s/control-plane.test.ts), rule by rule. */
export const CONTRACT_ROLE_RULES = [
  { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: [''], resources: ['events'], verbs: ['list'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['create', 'patch', 'delete'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];

/** Control-plane environment variables the contract defines (services/api/src/config.ts parses them). */
export const CONTRACT_ENV = new Set([
  'NODE_ENV', 'PORT', 'PUBLIC_URL', 'DATABASE_URL', 'SESSION_SECRET', 'ETL_RUNTIME', 'OIDC_ISSUER', 'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET', 'OIDC_SCOPES', 'OIDC_GROUPS_CLAIM', 'OIDC_ROLE_MAPPING', 'BOOTSTRAP_ADMINS', 'ETL_DEV_IDP', 'ETL_HOME',
  'ETL_NAMESPACE', 'ETL_EXTRACTOR_IMAGE', 'ETL_JOB_SERVICE_ACCOUNT', 'ETL_LEADER_LEASE', 'POD_NAME', 'POD_NAMESPACE',
  'ETL_JOB_CPU_REQUEST', 'ETL_JOB_MEMORY_REQUEST', 'ETL_JOB_MEMORY_LIMIT', 'GOOGLE_CLOUD_PROJECT', 'ETL_LOGS_BACKEND',
]);

/** The existing Secrets the chart's defaults reference (values.yaml existingSecrets). */
export const EXTERNAL_SECRETS = ['etl-monitor-database', 'etl-monitor-oidc', 'etl-monitor-session'];
