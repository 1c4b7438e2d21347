/**
 * BigQuery failures -> ExtractionError. Load-job row errors are mapped back to the row of the run
 * (BigQuery names a byte position in the uploaded NDJSON; we know where every line starts).
 */
import { ExtractionError } from '../errors.js';

export interface BigQueryErrorProto {
  reason?: string;
  message?: string;
  location?: string;
}

interface HttpLikeError {
  code?: number | string;
  message?: string;
  errors?: BigQueryErrorProto[];
  response?: { statusCode?: number };
}

const TRANSIENT_REASONS = new Set(['backendError', 'internalError', 'rateLimitExceeded', 'jobBackendError', 'jobInternalError']);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN', 'EPIPE']);

export function httpStatus(err: unknown): number | undefined {
  const e = err as HttpLikeError;
  if (typeof e?.code === 'number') return e.code;
  return e?.response?.statusCode;
}

export function isTooLarge(err: unknown): boolean {
  const e = err as HttpLikeError;
  return httpStatus(err) === 413 || /Request payload size exceeds the limit|Request Entity Too Large/i.test(e?.message ?? '');
}

export function isTransient(err: unknown): boolean {
  const e = err as HttpLikeError;
  const status = httpStatus(err);
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (typeof e?.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
  return (e?.errors ?? []).some((x) => x.reason !== undefined && TRANSIENT_REASONS.has(x.reason));
}

/** Classifies a non-transient API error (HTTP level). */
export function classifyApiError(err: unknown, what: string): ExtractionError {
  if (err instanceof ExtractionError) return err;
  const e = err as HttpLikeError;
  const status = httpStatus(err);
  const text = (e?.message ?? String(err)).replace(/\s+/g, ' ').trim();
  const reasons = (e?.errors ?? []).map((x) => x.reason);
  if (isTransient(err)) return new ExtractionError('destination-transient', `BigQuery ${what} kept failing: ${text}`, undefined, { cause: err });
  if (status === 403 || reasons.includes('accessDenied')) {
    return new ExtractionError('destination-refused', `BigQuery permission denied during ${what}: ${text}`, 'grant the extractor service account roles/bigquery.dataEditor on the dataset and roles/bigquery.jobUser on the project', { cause: err });
  }
  if (status === 401) return new ExtractionError('auth', `BigQuery rejected the credentials during ${what}: ${text}`, 'check Workload Identity / Application Default Credentials', { cause: err });
  if (status === 404) return new ExtractionError('config', `BigQuery ${what}: ${text}`, 'check the destination project and dataset', { cause: err });
  if (isTooLarge(err)) return new ExtractionError('destination-refused', `BigQuery ${what}: the request is too large (${text})`, undefined, { cause: err });
  if (/schema|does not match|Provided Schema/i.test(text) || reasons.includes('schemaUpdate')) {
    return new ExtractionError('schema-conflict', `BigQuery ${what}: ${text}`, 'make the destination table schema match the script, or load once in truncate mode', { cause: err });
  }
  return new ExtractionError('destination-refused', `BigQuery ${what} failed: ${text}`, undefined, { cause: err });
}

export interface RowLocator {
  /** 0-based row index in the run and its source key for a byte position in the chunk. */
  (position: number): { rowIndex: number; key: string } | undefined;
}

/**
 * Turns a failed load job's errors into one message naming row, column and reason. BigQuery's NDJSON
 * errors look like: "Error while reading data, error message: JSON parsing error in row starting at
 * position 22: Could not convert value 'string_value: "abc"' to integer. Field: id; Value: abc".
 */
export function loadJobError(errors: readonly BigQueryErrorProto[], errorResult: BigQueryErrorProto | undefined, locate: RowLocator, table: string): ExtractionError {
  const specific = errors.filter((e) => /position \d+/.test(e.message ?? ''));
  const first = specific[0] ?? errorResult ?? errors[0];
  const message = first?.message ?? 'unknown error';
  const position = /position (\d+)/.exec(message);
  const field = /Field: ([^;]+);/.exec(message)?.[1];
  const value = /Value: (.*)$/.exec(message)?.[1];
  const reason = first?.reason ?? 'invalid';
  const located = position ? locate(Number(position[1])) : undefined;
  if (/schema|does not match/i.test(message) && !located) {
    return new ExtractionError('schema-conflict', `BigQuery refused the load into ${table}: ${message}`, 'make the destination table schema match the script, or load once in truncate mode');
  }
  const where = located ? `row index ${located.rowIndex} (${located.key})` : 'a row';
  const column = field ? `, column ${field}` : '';
  const shown = value !== undefined ? `, value '${value}'` : '';
  return new ExtractionError(
    'destination-refused',
    `BigQuery refused ${where}${column}${shown}: reason '${reason}': ${message}. Nothing of this run was loaded.`,
    errors.length > specific.length + 1 ? `${errors.length} errors in total` : undefined,
  );
}
