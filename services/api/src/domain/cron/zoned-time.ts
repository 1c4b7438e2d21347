/**
 * Wall-clock arithmetic in an IANA time zone that behaves like Go's `time` package, because the
 * Kubernetes CronJob controller computes schedule times with Go's `time.Date` and `Time.Add` in the
 * CronJob's `timeZone`. Matching Go here is what makes our previews equal the cluster's runs,
 * including on daylight-saving days.
 */

export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall clock of an instant in a zone (whole seconds). */
export function wallTimeAt(instantMs: number, timeZone: string): WallTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(Math.floor(instantMs / 1000) * 1000));
  const wall: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  let bc = false;
  for (const part of parts) {
    switch (part.type) {
      case 'year': wall.year = Number(part.value); break;
      case 'month': wall.month = Number(part.value); break;
      case 'day': wall.day = Number(part.value); break;
      case 'hour': wall.hour = Number(part.value); break;
      case 'minute': wall.minute = Number(part.value); break;
      case 'second': wall.second = Number(part.value); break;
      case 'weekday': wall.weekday = WEEKDAYS[part.value] ?? 0; break;
      case 'era': bc = part.value === 'BC' || part.value === 'B'; break;
      default: break;
    }
  }
  if (bc) wall.year = 1 - wall.year;
  return wall;
}

/** Wall-clock fields read as if they were UTC, in ms. Date.UTC normalises overflow (day 32 → next month) like Go. */
function wallAsUtc(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const ms = Date.UTC(2000, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0–99 to 1900–1999; set the year separately to keep it literal.
  const date = new Date(ms);
  date.setUTCFullYear(date.getUTCFullYear() - 2000 + year);
  return date.getTime();
}

/** UTC offset (ms) in force at an instant. */
export function offsetAt(instantMs: number, timeZone: string): number {
  const w = wallTimeAt(instantMs, timeZone);
  return wallAsUtc(w.year, w.month, w.day, w.hour, w.minute, w.second) - Math.floor(instantMs / 1000) * 1000;
}

/**
 * Go's `time.Date(y, m, d, h, mi, s, 0, loc)`: out-of-range fields normalise; a wall time in a
 * spring-forward gap or fall-back overlap resolves the way Go resolves it (offset found for the
 * wall time read as UTC, corrected once if that guess falls outside its own zone period).
 */
export function instantOf(year: number, month: number, day: number, hour: number, minute: number, second: number, timeZone: string): number {
  const unix = wallAsUtc(year, month, day, hour, minute, second);
  let offset = offsetAt(unix, timeZone);
  if (offset !== 0) {
    const utc = unix - offset;
    const offsetAtUtc = offsetAt(utc, timeZone);
    if (offsetAtUtc !== offset) offset = offsetAtUtc;
  }
  return unix - offset;
}

/** IANA zone check as strict as Go's `time.LoadLocation` on Linux (case-sensitive; "Local" refused). */
export function checkTimeZone(timeZone: string): { ok: true } | { ok: false; suggestion?: string } {
  if (timeZone === '' || timeZone === 'Local' || timeZone.trim() !== timeZone) return { ok: false };
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return { ok: false };
  }
  // Intl accepts any letter case; Go (and so Kubernetes) does not.
  if (resolved !== timeZone && resolved.toLowerCase() === timeZone.toLowerCase()) return { ok: false, suggestion: resolved };
  if (/^[+-]\d/.test(timeZone)) return { ok: false }; // fixed offsets like "+02:00" are not zone names
  return { ok: true };
}
