/**
 * Prints an execution's log lines, and with `follow` keeps polling (`since=next`) until the run
 * ends, showing a progress indicator on stderr: a spinner with status, elapsed time and line count
 * on a terminal, one line per status change otherwise (CI logs). Returns the final status.
 */
import type { LogLine } from '../../../adapters/logs/log-line.js';
import type { ExecutionStatus } from '../../../domain/model.js';
import type { ExecutionLogsBody } from '../../http/api/execution-logs.js';
import type { ApiClient } from './api-client.js';
import { cell } from './output.js';

export interface FollowOptions {
  follow: boolean;
  severity?: string;
  format: 'table' | 'json';
  intervalMs?: number;
  write?: (text: string) => void;
  stderr?: { isTTY?: boolean; write(text: string): unknown };
}

export function formatLogLine(line: LogLine): string {
  return `${line.time ? cell(line.time) : '-'}  ${line.severity.padEnd(8)}  ${line.message}`;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

class Progress {
  private frame = 0;
  private last: string | undefined;
  private readonly started = Date.now();
  constructor(
    private readonly stream: { isTTY?: boolean; write(text: string): unknown },
    private readonly executionId: number,
  ) {}

  update(status: ExecutionStatus, lines: number): void {
    const seconds = Math.round((Date.now() - this.started) / 1000);
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[K${SPINNER[this.frame++ % SPINNER.length]} execution ${this.executionId}: ${status} · ${seconds} s · ${lines} lines`);
    } else if (status !== this.last) {
      this.stream.write(`execution ${this.executionId}: ${status}\n`);
    }
    this.last = status;
  }

  /** Clears the spinner before a log line is printed (a terminal only). */
  clear(): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
  }

  done(status: ExecutionStatus): void {
    this.clear();
    this.stream.write(`execution ${this.executionId}: ${status}\n`);
  }
}

export async function printLogs(api: ApiClient, executionId: number, options: FollowOptions): Promise<ExecutionStatus> {
  const write = options.write ?? ((t: string) => process.stdout.write(`${t}\n`));
  const stderr = options.stderr ?? process.stderr;
  const progress = options.follow ? new Progress(stderr, executionId) : undefined;
  let since = 0;
  let pageToken: string | undefined;
  let shown = 0;
  let warned = false;
  for (;;) {
    const body = await api.get<ExecutionLogsBody>(`/executions/${executionId}/logs`, { since, severity: options.severity, pageToken });
    if (body.ok) {
      progress?.clear();
      for (const line of body.lines) write(options.format === 'json' ? JSON.stringify(line) : formatLogLine(line));
      shown += body.lines.length;
      since = body.next;
      pageToken = body.nextPageToken;
      if (pageToken) continue; // more of the stored log right away
    } else if (!warned) {
      // The run is still reported; only its log cannot be read (yet).
      progress?.clear();
      stderr.write(`etl-monitor: logs of execution ${executionId} cannot be read (${body.reason}): ${body.message}${body.consoleUrl ? `\n  ${body.consoleUrl}` : ''}\n`);
      warned = true;
    }
    if (!progress || !body.active) {
      progress?.done(body.status);
      return body.status;
    }
    progress.update(body.status, shown);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
  }
}
