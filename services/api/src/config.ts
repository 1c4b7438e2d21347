/**
 * Control-plane configuration, parsed once from the environment (names fixed in CONTRACTS.md).
 * Every problem is collected and reported together so an operator fixes them in one go.
 */
import { resolve } from 'node:path';
import { ROLES, type Role } from './domain/auth/actor.js';

export type RuntimeKind = 'local' | 'kubernetes';

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  groupsClaim: string;
}

export interface Config {
  nodeEnv: 'production' | 'development' | 'test';
  port: number;
  /** Base URL users reach the app at; redirect URIs are built from it. Undefined = http://127.0.0.1:<bound port>. */
  publicUrl?: string;
  databaseUrl: string;
  sessionSecret: string;
  runtime: RuntimeKind;
  /** Undefined only when the dev identity provider supplies its own issuer and client. */
  oidc?: OidcConfig;
  roleMapping: Record<string, Role>;
  bootstrapAdmins: string[];
  devIdp: boolean;
  etlHome: string;
  kubernetes: {
    namespace?: string;
    extractorImage?: string;
    jobServiceAccount?: string;
    leaderLease: string;
    podName?: string;
    podNamespace?: string;
    jobCpuRequest?: string;
    jobMemoryRequest?: string;
    jobMemoryLimit?: string;
  };
  logging: { googleCloudProject?: string; backend: 'local' | 'cloud-logging' };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The development defaults the dev IdP uses when no mapping is configured. */
export const DEV_ROLE_MAPPING = 'etl-admins=admin,etl-operators=operator,etl-viewers=viewer';

export function parseRoleMapping(text: string, problems: string[]): Record<string, Role> {
  const mapping: Record<string, Role> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [group, role] = pair.split('=').map((s) => s.trim());
    if (!group || !role || !(ROLES as readonly string[]).includes(role)) {
      problems.push(`OIDC_ROLE_MAPPING entry "${pair}" must look like group=admin|operator|viewer`);
      continue;
    }
    mapping[group] = role as Role;
  }
  return mapping;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };

  const nodeEnvRaw = str('NODE_ENV') ?? 'development';
  if (!['production', 'development', 'test'].includes(nodeEnvRaw)) problems.push(`NODE_ENV must be production or development (got "${nodeEnvRaw}")`);
  const nodeEnv = nodeEnvRaw as Config['nodeEnv'];

  const portRaw = str('PORT') ?? '8080';
  const port = Number(portRaw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be an integer 0-65535 (got "${portRaw}")`);

  const publicUrl = str('PUBLIC_URL')?.replace(/\/+$/, '');
  if (publicUrl && !/^https?:\/\/[^/]+(\/.*)?$/.test(publicUrl)) problems.push(`PUBLIC_URL must be an http(s) URL such as https://etl.example.com (got "${publicUrl}")`);

  const databaseUrl = str('DATABASE_URL');
  if (!databaseUrl) problems.push('DATABASE_URL is required, e.g. postgres://user:password@host:5432/etl_monitor');
  else if (!/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must start with postgres:// or postgresql://');

  const sessionSecret = str('SESSION_SECRET');
  if (!sessionSecret) problems.push('SESSION_SECRET is required (a long random string; e.g. `openssl rand -hex 32`)');
  else if (nodeEnv === 'production' && sessionSecret.length < 32) problems.push('SESSION_SECRET must be at least 32 characters in production');

  const runtimeRaw = str('ETL_RUNTIME') ?? 'local';
  if (runtimeRaw !== 'local' && runtimeRaw !== 'kubernetes') problems.push(`ETL_RUNTIME must be local or kubernetes (got "${runtimeRaw}")`);

  const devIdpRaw = str('ETL_DEV_IDP') ?? 'false';
  if (!['true', 'false'].includes(devIdpRaw)) problems.push(`ETL_DEV_IDP must be true or false (got "${devIdpRaw}")`);
  const devIdp = devIdpRaw === 'true';
  if (devIdp && nodeEnv === 'production') problems.push('ETL_DEV_IDP=true is refused when NODE_ENV=production: configure a real OpenID provider (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)');
  if (devIdp && runtimeRaw === 'kubernetes') problems.push('ETL_DEV_IDP=true is only for the local runtime');

  let oidc: OidcConfig | undefined;
  const issuer = str('OIDC_ISSUER');
  const clientId = str('OIDC_CLIENT_ID');
  const clientSecret = str('OIDC_CLIENT_SECRET');
  if (issuer || !devIdp) {
    if (!issuer) problems.push('OIDC_ISSUER is required (or set ETL_DEV_IDP=true for local development)');
    if (!clientId) problems.push('OIDC_CLIENT_ID is required');
    if (!clientSecret) problems.push('OIDC_CLIENT_SECRET is required');
    if (issuer && clientId && clientSecret) {
      oidc = {
        issuer: issuer.replace(/\/+$/, ''),
        clientId,
        clientSecret,
        scopes: (str('OIDC_SCOPES') ?? 'openid email profile groups').split(/\s+/),
        groupsClaim: str('OIDC_GROUPS_CLAIM') ?? 'groups',
      };
    }
  }

  const roleMapping = parseRoleMapping(str('OIDC_ROLE_MAPPING') ?? (devIdp ? DEV_ROLE_MAPPING : ''), problems);
  const bootstrapAdmins = (str('BOOTSTRAP_ADMINS') ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);

  const logsBackend = str('ETL_LOGS_BACKEND') ?? 'local';
  if (logsBackend !== 'local' && logsBackend !== 'cloud-logging') problems.push(`ETL_LOGS_BACKEND must be local or cloud-logging (got "${logsBackend}")`);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeEnv,
    port,
    publicUrl,
    databaseUrl: databaseUrl!,
    sessionSecret: sessionSecret!,
    runtime: runtimeRaw as RuntimeKind,
    oidc,
    roleMapping,
    bootstrapAdmins,
    devIdp,
    etlHome: resolve(str('ETL_HOME') ?? '.local'),
    kubernetes: {
      namespace: str('ETL_NAMESPACE'),
      extractorImage: str('ETL_EXTRACTOR_IMAGE'),
      jobServiceAccount: str('ETL_JOB_SERVICE_ACCOUNT'),
      leaderLease: str('ETL_LEADER_LEASE') ?? 'etl-monitor-leader',
      podName: str('POD_NAME'),
      podNamespace: str('POD_NAMESPACE'),
      jobCpuRequest: str('ETL_JOB_CPU_REQUEST'),
      jobMemoryRequest: str('ETL_JOB_MEMORY_REQUEST'),
      jobMemoryLimit: str('ETL_JOB_MEMORY_LIMIT'),
    },
    logging: { googleCloudProject: str('GOOGLE_CLOUD_PROJECT'), backend: logsBackend as 'local' | 'cloud-logging' },
  };
}
