/**
 * One execution's log lines for the REST API, the CLI and the execution page: read through the
 * execution log reader (captured output / pod, then Cloud Logging), with the reason when they
 * cannot be read, and the Logs Explorer link in Kubernetes mode.
 */
import { cloudLoggingConsoleUrl } from '../../../adapters/logs/cloud-logging-query.js';
import { parseSeverityFilter, type LogLine, type Severity } from '../../../adapters/logs/log-line.js';
import { executionLogWindow, type ExecutionLogReader, type LogReadFailureReason, type LogSource } from '../../../adapters/logs/log-reader.js';
import { parseLogLines } from '../../../adapters/logs/local-log-parser.js';
import type { Actor } from '../../../domain/auth/actor.js';
import { ValidationError } from '../../../domain/errors.js';
import { isActive, type Execution, type ExecutionStatus } from '../../../domain/model.js';
import type { Services } from '../../../domain/services.js';

export interface ExecutionLogSettings {
  logs?: ExecutionLogReader;
  runtimeKind: 'local' | 'kubernetes';
  googleCloudProject?: string;
  namespace?: string;
}

interface LogsCommon {
  executionId: number;
  status: ExecutionStatus;
  /** True while the run is pending/running: poll again (`since=next`) to follow it. */
  active: boolean;
  /** Logs Explorer link for exactly this execution (Kubernetes mode with a project). */
  consoleUrl?: string;
}

export type ExecutionLogsBody =
  | (LogsCommon & { ok: true; source: LogSource; lines: LogLine[]; next: number; nextPageToken?: string })
  | (LogsCommon & { ok: false; reason: LogReadFailureReason; message: string });

export interface LogsRequest {
  severity?: string;
  pageToken?: string;
  /** Live sources return every line: skip the first `since` (already shown). */
  since?: number;
}

export function parseSeverity(value: string | undefined): Severity | undefined {
  if (!value) return undefined;
  try {
    return parseSeverityFilter(value);
  } catch (err) {
    throw new ValidationError((err as Error).message, 'severity');
  }
}

export async function readExecutionLogs(services: Services, settings: ExecutionLogSettings, actor: Actor, id: number, request: LogsRequest, now = new Date()): Promise<ExecutionLogsBody> {
  const minSeverity = parseSeverity(request.severity);
  const execution: Execution = await services.executions.get(actor, id);
  const window = executionLogWindow(execution.startedAt ?? execution.createdAt, execution.finishedAt, now);
  const common: LogsCommon = {
    executionId: execution.id,
    status: execution.status,
    active: isActive(execution.status),
    ...(settings.runtimeKind === 'kubernetes' && settings.googleCloudProject
      ? { consoleUrl: cloudLoggingConsoleUrl(settings.googleCloudProject, String(execution.id), window, settings.namespace ? { namespace: settings.namespace } : {}) }
      : {}),
  };
  const since = request.since ?? 0;
  if (!settings.logs) {
    const raw = await services.executions.readLogs(actor, id);
    const lines = parseLogLines(raw, minSeverity ? { minSeverity } : {});
    return { ...common, ok: true, source: settings.runtimeKind === 'kubernetes' ? 'pod' : 'local', lines: lines.slice(since), next: lines.length };
  }
  const result = await settings.logs.read({
    executionId: String(execution.id),
    window,
    ...(minSeverity ? { minSeverity } : {}),
    ...(request.pageToken ? { pageToken: request.pageToken } : {}),
  });
  if (!result.ok) return { ...common, ok: false, reason: result.reason, message: result.message };
  // Cloud Logging pages by token; live sources return all lines, so `since` skips those already shown.
  const paged = result.source === 'cloud-logging';
  const lines = paged ? result.lines : result.lines.slice(since);
  return {
    ...common,
    ok: true,
    source: result.source,
    lines,
    next: paged ? since + lines.length : result.lines.length,
    ...(result.nextPageToken ? { nextPageToken: result.nextPageToken } : {}),
  };
}
