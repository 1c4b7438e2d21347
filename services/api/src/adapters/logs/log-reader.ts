/**
 * The port the execution page / REST API / CLI read an execution's log through. Reading never
 * throws for an expected failure: the caller gets `{ ok: false, reason, message }` and can still
 * show the execution's summary next to a sentence saying why the lines are missing.
 */
import type { LogLine, Severity } from './log-line.js';

/** Time range the execution's lines can fall in (see {@link executionLogWindow}). */
export interface LogWindow {
  from: Date;
  to: Date;
}

export interface ExecutionLogQuery {
  /** The runtime's execution id: the `etl_monitor_execution` label value the extractor writes. */
  executionId: string;
  window: LogWindow;
  minSeverity?: Severity;
  /** `nextPageToken` of the previous page; absent for the first page. */
  pageToken?: string;
  /** Lines per page (Cloud Logging caps at 1000). */
  pageSize?: number;
}

/** Where the lines came from, so the page can say "live from the pod" or "from Cloud Logging". */
export type LogSource = 'local' | 'pod' | 'cloud-logging';

export interface LogPage {
  source: LogSource;
  /** Oldest first. */
  lines: LogLine[];
  /** More lines exist: pass back as `pageToken`. */
  nextPageToken?: string;
}

export type LogReadFailureReason = 'permission-denied' | 'unauthenticated' | 'unavailable' | 'not-configured' | 'invalid-request' | 'failed';

export interface LogReadFailure {
  ok: false;
  reason: LogReadFailureReason;
  /** One sentence for the user: what is wrong and what to change. Never contains a secret. */
  message: string;
}

export type LogReadResult = ({ ok: true } & LogPage) | LogReadFailure;

export interface ExecutionLogReader {
  read(query: ExecutionLogQuery): Promise<LogReadResult>;
}

/**
 * Padding around an execution's recorded start/end. The control plane records `startedAt` when it
 * observes the Job, which can be after the pod's first line (watch delay, clock skew between
 * nodes), and the last lines may be stamped after `finishedAt` was recorded.
 */
export const LOG_WINDOW_PADDING_MS = 5 * 60_000;

/**
 * The window to search for one execution. A running (or never finished) execution searches up
 * to `now`. Always bounded on both sides: @google-cloud/logging otherwise adds "last 24 hours".
 */
export function executionLogWindow(startedAt: Date, finishedAt: Date | null | undefined, now: Date): LogWindow {
  const end = finishedAt ?? now;
  return {
    from: new Date(startedAt.getTime() - LOG_WINDOW_PADDING_MS),
    to: new Date(end.getTime() + LOG_WINDOW_PADDING_MS),
  };
}
