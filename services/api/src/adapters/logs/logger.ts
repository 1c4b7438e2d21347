/**
 * The control plane's logger: one Cloud Logging JSON object per line on stdout, the same format
 * as the extractor (jobs/contract/src/log-entry.ts), so GKE's agent turns `severity`, `time`,
 * `logging.googleapis.com/labels`, `logging.googleapis.com/trace` and `httpRequest` into LogEntry
 * fields. Every line passes through {@link redactSecrets} before it is written.
 */
import { LABELS_KEY, TRACE_KEY, type Severity } from '../../../../../jobs/contract/src/log-entry.js';
import { severityAtLeast } from './log-line.js';
import { redactSecrets } from './redact.js';
import { traceFields, type TraceContext } from './trace.js';

export type LogFields = Record<string, unknown>;

/** A log entry before it is written: `time` is filled in when absent. */
export interface PendingLogEntry {
  severity: Severity;
  message: string;
  time?: string;
  [LABELS_KEY]?: Record<string, string>;
  [field: string]: unknown;
}

export interface Logger {
  log(severity: Severity, message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  notice(message: string, fields?: LogFields): void;
  warning(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  critical(message: string, fields?: LogFields): void;
  /** Writes a prepared entry (e.g. from {@link accessLogEntry}); `time` is added when missing. */
  emit(entry: PendingLogEntry): void;
  /** A logger whose lines carry these extra labels and, for a request, its trace. */
  child(labels: Record<string, string>, trace?: TraceContext): Logger;
  /** Adds a secret value learned at run time (e.g. a source password being stored). */
  addSecret(value: string): void;
}

export interface LoggerOptions {
  /** Destination of each finished line (without newline handling by the caller). Default: stdout. */
  write?: (line: string) => void;
  /** Labels on every line, e.g. `{ etl_monitor_component: 'api' }`. */
  labels?: Record<string, string>;
  /** Secret values that must never appear in a line. */
  secrets?: Iterable<string>;
  minSeverity?: Severity;
  now?: () => Date;
}

/** Keeps Errors readable (JSON.stringify would write `{}`) and bigints exact. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value.stack ? { stack: value.stack } : {}) };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function serialize(entry: Record<string, unknown>): string {
  try {
    return JSON.stringify(entry, jsonReplacer);
  } catch {
    // Circular or otherwise unserializable fields: keep the line, drop the fields.
    return JSON.stringify({ severity: entry.severity, message: entry.message, time: entry.time, [LABELS_KEY]: entry[LABELS_KEY], fieldsDropped: 'unserializable' });
  }
}

interface LoggerState {
  write: (line: string) => void;
  secrets: Set<string>;
  minSeverity: Severity | undefined;
  now: () => Date;
}

function makeLogger(state: LoggerState, labels: Record<string, string>, trace: TraceContext | undefined): Logger {
  const emit: Logger['emit'] = (entry) => {
    if (!severityAtLeast(entry.severity, state.minSeverity)) return;
    const mergedLabels = { ...labels, ...(entry[LABELS_KEY] ?? {}) };
    const line: Record<string, unknown> = {
      ...entry,
      severity: entry.severity,
      message: entry.message,
      time: entry.time ?? state.now().toISOString(),
      ...(Object.keys(mergedLabels).length > 0 ? { [LABELS_KEY]: mergedLabels } : {}),
    };
    if (trace && line[TRACE_KEY] === undefined) Object.assign(line, traceFields(trace));
    state.write(redactSecrets(serialize(line), state.secrets) + '\n');
  };
  const log = (severity: Severity, message: string, fields: LogFields = {}): void => emit({ ...fields, severity, message });
  return {
    log,
    debug: (message, fields) => log('DEBUG', message, fields),
    info: (message, fields) => log('INFO', message, fields),
    notice: (message, fields) => log('NOTICE', message, fields),
    warning: (message, fields) => log('WARNING', message, fields),
    error: (message, fields) => log('ERROR', message, fields),
    critical: (message, fields) => log('CRITICAL', message, fields),
    emit,
    child: (extraLabels, childTrace) => makeLogger(state, { ...labels, ...extraLabels }, childTrace ?? trace),
    addSecret: (value) => {
      if (value) state.secrets.add(value);
    },
  };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const state: LoggerState = {
    write: options.write ?? ((line) => process.stdout.write(line)),
    secrets: new Set([...(options.secrets ?? [])].filter((s) => s.length > 0)),
    minSeverity: options.minSeverity,
    now: options.now ?? (() => new Date()),
  };
  return makeLogger(state, { ...(options.labels ?? {}) }, undefined);
}
