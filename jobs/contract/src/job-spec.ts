/**
 * The job contract between the control plane and the extractor (DESIGN §5).
 *
 * Everything a run needs travels as one JSON document in `ETL_JOB_SPEC`; secrets never do.
 * Secrets arrive as their own environment variables (in Kubernetes from `secretKeyRef`, in the
 * local runtime from the local secret store), so a job spec can be logged, stored and shown
 * in `kubectl describe` without leaking anything.
 */

export const JOB_SPEC_VERSION = 1 as const;

/** Environment variables of the contract. The same names in a Kubernetes Job and a local child process. */
export const ENV = {
  /** JSON of {@link JobSpec}. */
  jobSpec: 'ETL_JOB_SPEC',
  /** Firebird password (secret). */
  sourcePassword: 'ETL_SOURCE_PASSWORD',
  /** Connection URL of a `postgres` destination (secret: it may hold a password). */
  destinationPostgresUrl: 'ETL_DEST_POSTGRES_URL',
  /** Execution id; set for manual runs, absent for CronJob-created runs (the control plane assigns one when it sees the Job). */
  executionId: 'ETL_EXECUTION_ID',
  /** Name of the runtime object running this extractor: the Job name in Kubernetes, the run name locally. */
  runName: 'ETL_RUN_NAME',
  /** Where the JSON summary is written in addition to stdout. Default `/dev/termination-log` when it exists. */
  terminationLog: 'ETL_TERMINATION_LOG',
} as const;

/** Firebird character sets a source may declare. NONE needs `legacyCharset` naming what its bytes really are. */
export const FIREBIRD_CHARSETS = ['UTF8', 'WIN1252', 'ISO8859_1', 'NONE'] as const;
export type FirebirdCharset = (typeof FIREBIRD_CHARSETS)[number];

export const WRITE_MODES = ['truncate', 'append', 'merge', 'incremental'] as const;
export type WriteMode = (typeof WRITE_MODES)[number];

export const DESTINATION_KINDS = ['bigquery', 'postgres'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

export interface SourceSpec {
  host: string;
  port: number;
  /** Path or alias on the Firebird server. */
  database: string;
  user: string;
  charset: FirebirdCharset;
  /** For charset NONE: the charset the stored bytes really are (e.g. WIN1252). */
  legacyCharset?: Exclude<FirebirdCharset, 'NONE' | 'UTF8'> | 'UTF8';
  /** IANA zone of zoneless TIMESTAMP values; used only where a TIMESTAMP (instant) must be produced. */
  timeZone: string;
  /** Client wire encryption wish. `required` matches Firebird 3's default server setting. */
  wireCrypt?: 'required' | 'disabled';
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
}

export interface ScriptSpec {
  name: string;
  sql: string;
  /** Key columns for `merge` mode (source column names). */
  keyColumns: string[];
  /** Watermark column for `incremental` mode (source column name). */
  watermarkColumn?: string;
  /** In truncate mode an empty result refuses to empty the destination unless this is true. */
  allowEmpty?: boolean;
}

export interface BigQueryDestinationSpec {
  kind: 'bigquery';
  projectId: string;
  dataset: string;
  table: string;
  location?: string;
  writeMode: WriteMode;
}

export interface PostgresDestinationSpec {
  kind: 'postgres';
  schema: string;
  table: string;
  writeMode: WriteMode;
}

export type DestinationSpec = BigQueryDestinationSpec | PostgresDestinationSpec;

export interface JobSpec {
  version: typeof JOB_SPEC_VERSION;
  scheduleId?: string;
  /** Human names for log lines and annotations. */
  names: { schedule?: string; source: string; script: string; destination: string };
  source: SourceSpec;
  script: ScriptSpec;
  destination: DestinationSpec;
}

export class JobSpecError extends Error {
  override name = 'JobSpecError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function requireString(obj: Record<string, unknown>, key: string, where: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '') throw new JobSpecError(`${where}.${key} must be a non-empty string`);
  return value;
}

function requireOneOf<T extends string>(obj: Record<string, unknown>, key: string, allowed: readonly T[], where: string): T {
  const value = obj[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new JobSpecError(`${where}.${key} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value as T;
}

/** Parses and validates `ETL_JOB_SPEC`. Throws {@link JobSpecError} with the path of the first bad field. */
export function parseJobSpec(json: string): JobSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new JobSpecError(`${ENV.jobSpec} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(raw)) throw new JobSpecError(`${ENV.jobSpec} must be a JSON object`);
  if (raw.version !== JOB_SPEC_VERSION) throw new JobSpecError(`job spec version ${String(raw.version)} is not supported (expected ${JOB_SPEC_VERSION})`);
  const { source, script, destination, names } = raw;
  if (!isObject(source)) throw new JobSpecError('source must be an object');
  if (!isObject(script)) throw new JobSpecError('script must be an object');
  if (!isObject(destination)) throw new JobSpecError('destination must be an object');
  if (!isObject(names)) throw new JobSpecError('names must be an object');
  requireString(source, 'host', 'source');
  requireString(source, 'database', 'source');
  requireString(source, 'user', 'source');
  requireString(source, 'timeZone', 'source');
  requireOneOf(source, 'charset', FIREBIRD_CHARSETS, 'source');
  if (!Number.isInteger(source.port) || (source.port as number) < 1 || (source.port as number) > 65535) {
    throw new JobSpecError('source.port must be an integer between 1 and 65535');
  }
  requireString(script, 'sql', 'script');
  requireString(script, 'name', 'script');
  if (!Array.isArray(script.keyColumns) || !script.keyColumns.every((c) => typeof c === 'string')) {
    throw new JobSpecError('script.keyColumns must be an array of column names');
  }
  const kind = requireOneOf(destination, 'kind', DESTINATION_KINDS, 'destination');
  const mode = requireOneOf(destination, 'writeMode', WRITE_MODES, 'destination');
  requireString(destination, 'table', 'destination');
  if (kind === 'bigquery') {
    requireString(destination, 'projectId', 'destination');
    requireString(destination, 'dataset', 'destination');
  } else {
    requireString(destination, 'schema', 'destination');
  }
  if (mode === 'merge' && (script.keyColumns as string[]).length === 0) {
    throw new JobSpecError('write mode merge needs script.keyColumns');
  }
  if (mode === 'incremental' && typeof script.watermarkColumn !== 'string') {
    throw new JobSpecError('write mode incremental needs script.watermarkColumn');
  }
  return raw as unknown as JobSpec;
}
