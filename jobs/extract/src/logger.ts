/**
 * Cloud Logging JSON lines on stdout (jobs/contract/src/log-entry.ts). Every line carries the
 * execution / schedule / run labels the UI and "Open in Cloud Logging" filter on. Every line is
 * passed through the redactor so a secret can never reach a log, whatever a server echoes back.
 */
import { LABELS_KEY, LOG_LABEL, type LogEntry, type Severity } from '../../contract/src/log-entry.js';
import { redact } from './errors.js';

export interface RunLabels {
  executionId?: string;
  scheduleId?: string;
  runName?: string;
}

export type LineSink = (line: string) => void;

export class RunLogger {
  private readonly labels: Record<string, string>;

  constructor(
    labels: RunLabels,
    private readonly sink: LineSink,
    private readonly secrets: readonly (string | undefined)[],
    private readonly now: () => Date = () => new Date(),
  ) {
    this.labels = { [LOG_LABEL.component]: 'extractor' };
    if (labels.executionId) this.labels[LOG_LABEL.executionId] = labels.executionId;
    if (labels.scheduleId) this.labels[LOG_LABEL.scheduleId] = labels.scheduleId;
    if (labels.runName) this.labels[LOG_LABEL.runName] = labels.runName;
  }

  info(message: string, fields: Record<string, unknown> = {}): void {
    this.write('INFO', message, fields);
  }

  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.write('WARNING', message, fields);
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    this.write('ERROR', message, fields);
  }

  write(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
    const entry: LogEntry = { severity, message, time: this.now().toISOString(), ...fields, [LABELS_KEY]: this.labels };
    this.writeRaw(JSON.stringify(entry));
  }

  /** Writes one already-serialised line (the summary) through the same redaction. */
  writeRaw(line: string): void {
    this.sink(redact(line, this.secrets));
  }
}
