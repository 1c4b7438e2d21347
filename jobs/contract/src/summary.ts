/**
 * The run summary: the extractor's last stdout line and its termination message
 * (`/dev/termination-log`), read back by the runtime to fill in the execution.
 */

export const RUN_STATUSES = ['succeeded', 'failed', 'stopped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Error classes a user can act on; each maps to one exit code (see exit-codes.ts). */
export const ERROR_KINDS = [
  'config', // bad job spec, unknown charset, missing secret: fix the definition; never retried
  'auth', // wrong user/password at the source or destination
  'wire-encryption', // client/server wire encryption settings disagree
  'unreachable', // host down, DNS, refused, connect timeout
  'unknown-database', // the database path/alias does not exist on the server
  'connection-lost', // socket dropped or read timeout mid-run
  'sql', // syntax error, unknown table/column, write attempt in the read-only transaction
  'data', // a value that cannot be represented exactly (charset, overflow), row count mismatch
  'schema-conflict', // destination table has an incompatible schema
  'destination-refused', // permission denied, quota, invalid value named by the destination
  'destination-transient', // 5xx, rate limit, backend error after retries ran out
  'empty-result', // truncate with zero rows and allowEmpty false
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** How each kind reads to a person (the execution's error text starts with it; the kind stays for scripts). */
export const ERROR_KIND_LABELS: Record<ErrorKind, string> = {
  config: 'Configuration error',
  auth: 'Login refused',
  'wire-encryption': 'Wire encryption mismatch',
  unreachable: 'Server unreachable',
  'unknown-database': 'Unknown database',
  'connection-lost': 'Connection lost',
  sql: 'SQL error',
  data: 'Data error',
  'schema-conflict': 'Schema conflict',
  'destination-refused': 'Destination refused the load',
  'destination-transient': 'Destination error',
  'empty-result': 'Empty result',
  internal: 'Internal error',
};

export interface RunError {
  kind: ErrorKind;
  /** One sentence a user can act on. Never contains a secret. */
  message: string;
  /** Optional hint: the setting to change, the row/column named by the destination, … */
  hint?: string;
}

export interface RunSummary {
  /** Marks the line so a log reader can find it among progress lines. */
  summary: true;
  status: RunStatus;
  executionId?: string;
  runName?: string;
  rowsRead: number;
  rowsWritten: number;
  /** BigQuery load/query job id or Postgres transaction note. */
  destinationJobId?: string;
  startedAt: string;
  finishedAt: string;
  error?: RunError;
}

/** Reads a summary from a termination message or the last log line; null if the text is not one. */
export function parseRunSummary(text: string | undefined | null): RunSummary | null {
  if (!text) return null;
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const candidate = (parsed.summary === true ? parsed : (parsed.jsonPayload ?? parsed.run)) as Record<string, unknown> | undefined;
      if (candidate && candidate.summary === true && typeof candidate.status === 'string' && (RUN_STATUSES as readonly string[]).includes(candidate.status)) {
        return candidate as unknown as RunSummary;
      }
    } catch {
      // not JSON: keep looking further up
    }
  }
  return null;
}
