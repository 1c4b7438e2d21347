/** View helpers: times in a named zone with its abbreviation/offset, durations, status colours. */
import type { ExecutionStatus } from '../../../domain/model.js';

/**
 * "2026-06-01 03:00:00 GMT-3": wall time in `zone` with the zone's short name. One cached
 * Intl.DateTimeFormat per zone: a page of 50 executions formats 150 times, and building a
 * formatter (or luxon's toFormat, which does) per call costs more than the page's query.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

export function formatTime(date: Date | null | undefined, zone = 'UTC'): string {
  if (!date) return '—';
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatterFor(zone).formatToParts(date)) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}

export function formatDuration(start: Date | null, end: Date | null): string {
  if (!start || !end) return '—';
  const ms = Math.max(0, end.getTime() - start.getTime());
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const BADGE: Record<ExecutionStatus, string> = {
  pending: 'secondary',
  running: 'primary',
  succeeded: 'success',
  failed: 'danger',
  stopped: 'warning',
  missed: 'dark',
  skipped: 'light',
};

export const statusBadge = (status: ExecutionStatus): string => BADGE[status];

export interface LogLine {
  time: string;
  severity: string;
  message: string;
}

/** A captured output line: Cloud Logging JSON shown as time / severity / message; anything else as is. */
export function parseLogLine(line: string): LogLine {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (entry && typeof entry === 'object' && typeof entry.message === 'string') {
      return { time: typeof entry.time === 'string' ? entry.time : '', severity: typeof entry.severity === 'string' ? entry.severity : '', message: entry.message };
    }
    if (entry && (entry as { summary?: unknown }).summary === true) return { time: '', severity: 'SUMMARY', message: line };
  } catch {
    // plain text (stderr of a crash, for example)
  }
  return { time: '', severity: '', message: line };
}
