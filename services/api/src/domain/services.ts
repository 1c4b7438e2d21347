/** The domain services the entry points use, wired once in bootstrap/. */
import { AuditTrail } from './audit/audit-trail.js';
import { CatalogService } from './catalog/catalog-service.js';
import { ExecutionService } from './executions/execution-service.js';
import { RunTemplateBuilder } from './executions/run-template.js';
import type { Repositories, SecretWriter } from './ports.js';
import type { Runtime } from './runtime/runtime.js';
import { ScheduleService } from './schedules/schedule-service.js';
import { UserService, type RoleRules } from './users/user-service.js';
import { PermissionService } from './permissions/permission-service.js';
import { AuditLog } from './audit/audit-log.js';
import { SourceCheckService, type FirebirdProbe, type SecretReader } from './catalog/source-check.js';

export interface Services {
  catalog: CatalogService;
  schedules: ScheduleService;
  executions: ExecutionService;
  users: UserService;
  /** Grants, each actor's Visibility, form choices. */
  permissions: PermissionService;
  /** The audit trail's read side (admins). */
  auditLog: AuditLog;
  /** The catalog's "Test connection" and "Preview first 20 rows". */
  catalogChecks: SourceCheckService;
}

export interface ServiceDependencies {
  repositories: Repositories;
  secrets: SecretWriter;
  runtime: Runtime;
  roleRules: RoleRules;
  clock?: () => Date;
  /** When schedules fire (next run, cron preview); defaults to `clock`. Tests pass the local runtime's manual clock. */
  scheduleClock?: () => Date;
  onError?: (err: unknown, context: string) => void;
  /** Firebird access for the catalog checks; without it (or without a secret reader) they answer 503. */
  firebird?: FirebirdProbe;
  /** Reads source passwords back (local secret store only; Kubernetes Secrets are write-only). */
  secretReader?: SecretReader;
}

export function createServices(deps: ServiceDependencies): Services {
  const { repositories: repos, runtime, clock } = deps;
  const audit = new AuditTrail(repos.audit, clock);
  const templates = new RunTemplateBuilder(repos);
  const permissions = new PermissionService(repos.permissions, repos.users, repos, audit);
  const visibilityOf = permissions.visibility.bind(permissions);
  return {
    permissions,
    auditLog: new AuditLog(repos.audit),
    catalog: new CatalogService(repos, deps.secrets, audit, visibilityOf),
    catalogChecks: new SourceCheckService(repos, deps.firebird, deps.secretReader, audit, visibilityOf, deps.onError ? { onError: deps.onError } : {}),
    schedules: new ScheduleService(repos.schedules, repos.executions, templates, runtime, audit, visibilityOf, deps.scheduleClock ?? clock),
    executions: new ExecutionService(repos.executions, repos.schedules, templates, runtime, audit, {
      visibilityOf,
      ...(clock ? { clock } : {}),
      ...(deps.onError ? { onError: deps.onError } : {}),
    }),
    users: new UserService(repos.users, deps.roleRules, audit, clock),
  };
}
