/**
 * Parses captured extractor output (local mode; also a live pod log in Kubernetes mode): one
 * Cloud Logging JSON object per line (jobs/contract/src/log-entry.ts), but anything else a
 * process may print (a Node warning, a stack trace) is kept as a plain INFO line, never dropped.
 */
import { LABELS_KEY, TRACE_KEY } from '../../../../../jobs/contract/src/log-entry.js';
import { normalizeSeverity, severityAtLeast, type LogLine, type Severity } from './log-line.js';

const OWN_KEYS = new Set(['severity', 'message', 'time', LABELS_KEY, TRACE_KEY]);

function parseObject(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** One output line → LogLine. */
export function parseLogLine(raw: string): LogLine {
  const text = raw.trimEnd();
  const entry = parseObject(text.trimStart());
  if (!entry) return { time: '', severity: 'INFO', message: text };
  const fields = Object.fromEntries(Object.entries(entry).filter(([key]) => !OWN_KEYS.has(key)));
  const hasFields = Object.keys(fields).length > 0;
  if (entry.summary === true && typeof entry.message !== 'string') return summaryLine(entry, hasFields ? fields : undefined);
  return {
    time: typeof entry.time === 'string' ? entry.time : '',
    severity: normalizeSeverity(entry.severity),
    // A JSON object without a message still shows its content.
    message: typeof entry.message === 'string' ? entry.message : text,
    ...(hasFields ? { fields } : {}),
  };
}

/**
 * The extractor's last line is its run summary (jobs/contract summary.ts), a bare JSON object made
 * for machines; people reading the log get a sentence, at the time the run finished, with a
 * severity that lets an ERROR filter find a failed run. The fields stay for scripts.
 */
function summaryLine(entry: Record<string, unknown>, fields: Record<string, unknown> | undefined): LogLine {
  const status = typeof entry.status === 'string' ? entry.status : 'unknown';
  const error = typeof entry.error === 'object' && entry.error !== null ? (entry.error as { kind?: unknown; message?: unknown }) : null;
  const cause = error && typeof error.message === 'string' ? ` — ${typeof error.kind === 'string' ? `${error.kind}: ` : ''}${error.message}` : '';
  const severity = entry.severity !== undefined ? normalizeSeverity(entry.severity) : status === 'succeeded' ? 'INFO' : status === 'stopped' ? 'WARNING' : 'ERROR';
  return {
    time: typeof entry.finishedAt === 'string' ? entry.finishedAt : typeof entry.time === 'string' ? entry.time : '',
    severity,
    message: `run summary: ${status}, ${String(entry.rowsRead ?? '?')} rows read, ${String(entry.rowsWritten ?? '?')} written${cause}`,
    ...(fields ? { fields } : {}),
  };
}

/** Captured output (text or already split lines) → LogLines at or above `minSeverity`; blank lines skipped. */
export function parseLogLines(text: string | readonly string[], options: { minSeverity?: Severity } = {}): LogLine[] {
  const rawLines = typeof text === 'string' ? text.split(/\r?\n/) : text;
  const lines: LogLine[] = [];
  for (const raw of rawLines) {
    if (raw.trim() === '') continue;
    const line = parseLogLine(raw);
    if (severityAtLeast(line.severity, options.minSeverity)) lines.push(line);
  }
  return lines;
}
