/** View helpers: times in a named zone with its abbreviation/offset, durations, status colours. */
import { DateTime } from 'luxon';
import type { ExecutionStatus } from '../../../domain/model.js';

export function formatTime(date: Date | null | undefined, zone = 'UTC'): string {
  if (!date) return '—';
  return DateTime.fromJSDate(date).setZone(zone).toFormat('yyyy-LL-dd HH:mm:ss ZZZZ');
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
