/** View helpers: times in a named zone with its UTC offset, durations, status colours. */
import type { ExecutionStatus } from '../../../domain/model.js';

/**
 * "2026-06-01 03:00:00 (UTC-03:00)": wall time in `zone` with its offset, the same style as the
 * schedule preview (domain/cron/preview.ts formatWall). One cached Intl.DateTimeFormat per zone: a
 * page of 50 executions formats 150 times, and building a formatter (or luxon's toFormat, which
 * does) per call costs more than the page's query.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

export interface TimeParts {
  /** "2026-06-01 03:00:00" in the zone. */
  wall: string;
  /** "UTC-03:00" ("UTC+00:00" for UTC). */
  offset: string;
}

export function timeParts(date: Date, zone = 'UTC'): TimeParts {
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatterFor(zone).formatToParts(date)) part[p.type] = p.value;
  // Intl says "GMT-03:00", and plain "GMT" for a zero offset.
  const offset = (part.timeZoneName ?? 'GMT').replace(/^GMT/, 'UTC');
  return { wall: `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`, offset: offset === 'UTC' ? 'UTC+00:00' : offset };
}

export function formatTime(date: Date | null | undefined, zone = 'UTC'): string {
  if (!date) return '—';
  const { wall, offset } = timeParts(date, zone);
  return `${wall} (${offset})`;
}

/**
 * A log line's time (ISO 8601 from the extractor or Cloud Logging) as wall time in `zone`, with
 * milliseconds when the line has them, without the offset: the page names the zone once above the
 * log. Anything that is not a time is shown as it came. public/app.js formatLogLine does the same.
 */
export function formatLogTime(time: string, zone = 'UTC'): string {
  const date = /^\d{4}-\d{2}-\d{2}T/.test(time) ? new Date(time) : null;
  if (!date || Number.isNaN(date.getTime())) return time;
  const { wall } = timeParts(date, zone);
  return /T[\d:]+\.\d/.test(time) ? `${wall}.${String(date.getUTCMilliseconds()).padStart(3, '0')}` : wall;
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

/** A firing that never ran (missed while down, skipped behind a run): its finishedAt is when it was recorded. */
export const neverRan = (status: ExecutionStatus): boolean => status === 'missed' || status === 'skipped';

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
