/** View helpers: times in a named zone with its abbreviation/offset, durations, status colours. */
import { DateTime } from 'luxon';
import type { ExecutionStatus } from '../../../domain/model.js';

export function formatTime(date: Date | null | undefined, zone = 'UTC'): string {
  if (!date) return '—';
  return DateTime.fromJSDate(date).setZone(zone).toFormat('yyyy-LL-dd HH:mm:ss ZZZZ');
}

export function formatDuration(start: Date | null, end: Date | null): string {
  if (!start || !end) return '—';
  const seconds = Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000));
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
