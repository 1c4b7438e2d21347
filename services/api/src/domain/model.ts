/**
 * The control plane's entities as the domain sees them (DESIGN §3). Plain data: repositories in
 * adapters/db map them to and from Postgres rows.
 */
import type { DestinationKind, FirebirdCharset, WriteMode } from '../../../../jobs/contract/src/job-spec.js';
import type { Role } from './auth/actor.js';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  lastLoginAt: Date | null;
}

export interface Source {
  id: number;
  name: string;
  host: string;
  port: number;
  database: string;
  user: string;
  charset: FirebirdCharset;
  /** For charset NONE: what the stored bytes really are. */
  legacyCharset: string | null;
  /** IANA zone of the source's zoneless timestamps. */
  timeZone: string;
  wireCrypt: 'required' | 'disabled';
  /** Name of the secret holding the password (Kubernetes Secret / local secret store entry). */
  secretName: string;
}

export interface Script {
  id: number;
  name: string;
  sourceId: number;
  sql: string;
  keyColumns: string[];
  watermarkColumn: string | null;
  allowEmpty: boolean;
}

export interface Destination {
  id: number;
  name: string;
  kind: DestinationKind;
  /** BigQuery only. */
  projectId: string | null;
  dataset: string | null;
  location: string | null;
  /** Postgres only. */
  schema: string | null;
  table: string;
  writeMode: WriteMode;
  /** Postgres only: the secret holding the connection URL (it may carry a password). */
  secretName: string | null;
}

export interface Schedule {
  id: number;
  name: string;
  sourceId: number;
  scriptId: number;
  destinationId: number;
  cron: string;
  timeZone: string;
  active: boolean;
  maxRuntimeSeconds: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export const EXECUTION_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'stopped', 'missed', 'skipped'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
/** A schedule holds its overlap lock while one of its executions is in one of these. */
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['pending', 'running'];
export const isActive = (status: ExecutionStatus): boolean => ACTIVE_STATUSES.includes(status);

export type ExecutionTrigger = 'scheduled' | 'manual';

/**
 * Scheduled (fired by its schedule), manual ("run now" on a schedule) or ad hoc (source + script
 * + destination picked by hand): ad-hoc runs are manual runs whose params name no schedule (the
 * params, unlike schedule_id, survive the schedule's deletion).
 */
export const EXECUTION_KINDS = ['scheduled', 'manual', 'ad-hoc'] as const;
export type ExecutionKind = (typeof EXECUTION_KINDS)[number];
export function executionKind(execution: Pick<Execution, 'trigger' | 'params'>): ExecutionKind {
  if (execution.trigger === 'scheduled') return 'scheduled';
  return typeof execution.params.schedule === 'string' ? 'manual' : 'ad-hoc';
}

/** Catalog ids become null when the item is deleted later; `params` keeps the names for history. */
export interface Execution {
  id: number;
  scheduleId: number | null;
  sourceId: number | null;
  scriptId: number | null;
  destinationId: number | null;
  trigger: ExecutionTrigger;
  triggeredBy: string;
  runtimeName: string | null;
  runtimeUid: string | null;
  status: ExecutionStatus;
  scheduledFor: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  rowsRead: number | null;
  rowsWritten: number | null;
  error: string | null;
  /** Who asked for the stop (email), set when the stop is requested. */
  stoppedBy: string | null;
  params: Record<string, unknown>;
  createdAt: Date;
}

export interface AuditEvent {
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
  outcome: 'success' | 'failure' | 'refused';
}
