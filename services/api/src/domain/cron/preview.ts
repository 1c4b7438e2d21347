/**
 * The schedule preview users see before saving: the next runs in the schedule's own time zone,
 * and warnings for the things that surprise people (both day fields set, daylight-saving days).
 */
import { CronError, nextRuns, parseCron, type CronSchedule } from './cron-expression.js';
import { offsetAt, wallTimeAt } from './zoned-time.js';

export interface PreviewRun {
  /** ISO instant in UTC. */
  at: string;
  /** Wall clock in the schedule's zone with its offset, e.g. "2024-06-03 03:00 (UTC+02:00)". */
  local: string;
}

export type CronPreview =
  | { ok: true; runs: PreviewRun[]; warnings: string[] }
  | { ok: false; error: string };

const pad = (n: number): string => String(n).padStart(2, '0');

export function formatOffset(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function formatWall(instantMs: number, timeZone: string): string {
  const w = wallTimeAt(instantMs, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} (${formatOffset(offsetAt(instantMs, timeZone))})`;
}

interface Transition {
  /** First instant with the new offset. */
  at: number;
  before: number;
  after: number;
}

/** Offset changes of a zone in [from, to), found by daily sampling and bisection to the minute. */
function transitionsBetween(timeZone: string, from: number, to: number): Transition[] {
  const found: Transition[] = [];
  const step = 86_400_000;
  let previous = offsetAt(from, timeZone);
  for (let t = from + step; t < to + step; t += step) {
    const current = offsetAt(t, timeZone);
    if (current !== previous) {
      let lo = t - step;
      let hi = t;
      while (hi - lo > 60_000) {
        const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000;
        if (offsetAt(mid, timeZone) === previous) lo = mid;
        else hi = mid;
      }
      found.push({ at: hi, before: previous, after: current });
      previous = current;
    }
  }
  return found;
}

function wallMinutesMatching(schedule: CronSchedule, startMs: number, minutes: number, timeZone: string, offset: number): string[] {
  // Walk the affected wall-clock minutes as labels (they are not real instants in a gap).
  const matches: string[] = [];
  for (let i = 0; i < minutes; i++) {
    const wallMs = startMs + offset + i * 60_000;
    const d = new Date(wallMs);
    const wall = {
      year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
      hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: 0, weekday: d.getUTCDay(),
    };
    if (schedule.matchesWall(wall)) matches.push(`${pad(wall.hour)}:${pad(wall.minute)}`);
  }
  void timeZone;
  return matches;
}

function daylightSavingWarnings(schedule: CronSchedule, from: Date, until: number): string[] {
  const warnings: string[] = [];
  const zone = schedule.timeZone;
  for (const tr of transitionsBetween(zone, from.getTime(), until)) {
    const deltaMinutes = Math.abs(tr.after - tr.before) / 60_000;
    const date = new Date(tr.at + tr.after).toISOString().slice(0, 10);
    if (tr.after > tr.before) {
      // Clocks jump forward: wall times [at+before, at+after) never happen.
      const skipped = wallMinutesMatching(schedule, tr.at, deltaMinutes, zone, tr.before);
      if (skipped.length > 0) {
        warnings.push(`On ${date} clocks in ${zone} jump forward: ${skipped.slice(0, 3).join(', ')} does not exist that day, so that run does not happen.`);
      }
    } else {
      // Clocks go back: wall times [at+after, at+before) happen twice.
      const repeated = wallMinutesMatching(schedule, tr.at, deltaMinutes, zone, tr.after);
      if (repeated.length > 0) {
        const runs = nextRuns(schedule, new Date(tr.at - deltaMinutes * 60_000 - 1000), repeated.length * 2 + 1)
          .filter((r) => r.getTime() < tr.at + deltaMinutes * 60_000);
        const times = runs.length > repeated.length ? 'twice' : 'once';
        warnings.push(`On ${date} clocks in ${zone} go back: ${repeated.slice(0, 3).join(', ')} happens twice that day and the job runs ${times} then.`);
      }
    }
  }
  return warnings;
}

export function previewRuns(expression: string, timeZone: string, from: Date, count = 10): CronPreview {
  let schedule: CronSchedule;
  try {
    schedule = parseCron(expression, timeZone);
  } catch (err) {
    if (err instanceof CronError) return { ok: false, error: err.message };
    throw err;
  }
  const runs = nextRuns(schedule, from, count);
  const warnings: string[] = [];
  if (schedule.dayFieldsOred) {
    warnings.push('Both day-of-month and day-of-week are set: the job runs on days matching EITHER field (standard cron and Kubernetes), not only days matching both.');
  }
  const lastRun = runs.at(-1)?.getTime() ?? from.getTime();
  const horizon = Math.max(lastRun, from.getTime() + 366 * 86_400_000);
  warnings.push(...daylightSavingWarnings(schedule, from, horizon));
  return {
    ok: true,
    runs: runs.map((r) => ({ at: r.toISOString(), local: formatWall(r.getTime(), timeZone) })),
    warnings,
  };
}
