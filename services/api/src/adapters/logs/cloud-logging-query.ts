/**
 * Cloud Logging query text for one execution's lines, shared by the API reader and the
 * "Open in Cloud Logging" link so both find exactly the same entries.
 *
 * Why `labels.etl_monitor_execution`: the extractor writes its ids under the JSON field
 * `logging.googleapis.com/labels` (jobs/contract/src/log-entry.ts). GKE's logging agent (Fluent Bit,
 * stackdriver output) treats that field as special: it moves the map into the LogEntry's `labels`
 * and removes it from `jsonPayload`, so a `jsonPayload."logging.googleapis.com/labels"…` filter would
 * match nothing there. The pod label `etl-monitor/execution` (→ `labels."k8s-pod/etl-monitor/execution"`)
 * is not used because only manual-run pods carry it; CronJob-created pods do not.
 */
import { LOG_LABEL, type Severity } from '../../../../../jobs/contract/src/log-entry.js';
import type { LogWindow } from './log-reader.js';

export interface ExecutionLogScope {
  executionId: string;
  /** Namespace of the extractor pods; narrows the query when known. */
  namespace?: string;
}

/** A string literal in the Logging query language (backslash and double quote escaped). */
export function quoteFilterValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The clauses that select one execution's container lines, without time or severity. */
export function executionClauses(scope: ExecutionLogScope): string[] {
  const clauses = ['resource.type="k8s_container"'];
  if (scope.namespace) clauses.push(`resource.labels.namespace_name=${quoteFilterValue(scope.namespace)}`);
  clauses.push(`labels.${LOG_LABEL.executionId}=${quoteFilterValue(scope.executionId)}`);
  return clauses;
}

/**
 * The `entries.list` filter: execution clauses, explicit timestamp bounds (which also stop the
 * client library from appending its own 24-hour clause) and an optional minimum severity.
 */
export function entriesFilter(scope: ExecutionLogScope, window: LogWindow, minSeverity?: Severity): string {
  const clauses = [
    ...executionClauses(scope),
    `timestamp>=${quoteFilterValue(window.from.toISOString())}`,
    `timestamp<=${quoteFilterValue(window.to.toISOString())}`,
  ];
  if (minSeverity) clauses.push(`severity>=${minSeverity}`);
  return clauses.join(' AND ');
}

/**
 * Percent-encodes for the console's path parameters (`;query=…;timeRange=…`): `;`, `=`, `/`, `?`
 * and newlines must not pass raw, and `( ) ! * '` (left alone by encodeURIComponent) are escaped
 * too so no character with a meaning in a URL path reaches the console unencoded.
 */
function encodeConsoleParameter(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Link to the Logs Explorer showing exactly this execution's lines. One clause per line (the
 * console's implicit AND, as it writes queries itself); the time range goes in `timeRange=from/to`
 * rather than in the query so the console's time picker shows it.
 */
export function cloudLoggingConsoleUrl(projectId: string, executionId: string, window: LogWindow, options: { namespace?: string } = {}): string {
  const query = executionClauses({ executionId, namespace: options.namespace }).join('\n');
  const timeRange = `${window.from.toISOString()}/${window.to.toISOString()}`;
  return (
    'https://console.cloud.google.com/logs/query' +
    `;query=${encodeConsoleParameter(query)}` +
    `;timeRange=${encodeConsoleParameter(timeRange)}` +
    `?project=${encodeURIComponent(projectId)}`
  );
}
