/**
 * One structured log line in Google Cloud Logging's format (the logging agent on GKE parses
 * JSON written to stdout: `severity`, `message`, `time`, `logging.googleapis.com/labels`, …).
 * Both the extractor and the control plane write this shape.
 */

export const SEVERITIES = ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const LABELS_KEY = 'logging.googleapis.com/labels';
export const TRACE_KEY = 'logging.googleapis.com/trace';

/** Label keys put on every extractor line; the UI and `Open in Cloud Logging` filter on them. */
export const LOG_LABEL = {
  executionId: 'etl_monitor_execution',
  scheduleId: 'etl_monitor_schedule',
  runName: 'etl_monitor_run',
  component: 'etl_monitor_component',
} as const;

export interface LogEntry {
  severity: Severity;
  message: string;
  time: string;
  [LABELS_KEY]?: Record<string, string>;
  [TRACE_KEY]?: string;
  [field: string]: unknown;
}
