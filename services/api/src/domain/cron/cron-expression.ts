/**
 * Cron expressions exactly as Kubernetes reads them: robfig/cron v3 `ParseStandard` (5 fields,
 * names, `?`, descriptors) evaluated with `SpecSchedule.Next` in the CronJob's `timeZone`.
 *
 * Why not a generic JS cron library: they disagree with Kubernetes on details users hit —
 * day-of-month and day-of-week are ORed when both are restricted (case C16), `*\/2` counts as
 * restricted, day-of-week 7 is refused, 6-field and `L`/`W`/`#` syntaxes are not cron for the
 * cluster, and daylight-saving days follow Go's `time` package. Port of
 * github.com/robfig/cron/v3 parser.go and spec.go (MIT).
 */
import { checkTimeZone, instantOf, offsetAt, wallTimeAt, type WallTime } from './zoned-time.js';

export class CronError extends Error {
  override name = 'CronError';
}

/** Bit 63 in robfig: the field was `*` or `?` (matters for the day-of-month / day-of-week rule). */
const STAR = 1n << 63n;

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
  label: string;
}

const MONTH_NAMES = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOW_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const MINUTES: Bounds = { min: 0, max: 59, label: 'minute' };
const HOURS: Bounds = { min: 0, max: 23, label: 'hour' };
const DOM: Bounds = { min: 1, max: 31, label: 'day of month' };
const MONTHS: Bounds = { min: 1, max: 12, names: MONTH_NAMES, label: 'month' };
const DOW: Bounds = { min: 0, max: 6, names: DOW_NAMES, label: 'day of week' };

interface Fields {
  minute: bigint;
  hour: bigint;
  dom: bigint;
  month: bigint;
  dow: bigint;
}

function bitsBetween(min: number, max: number, step: number): bigint {
  let bits = 0n;
  for (let i = min; i <= max; i += step) bits |= 1n << BigInt(i);
  return bits;
}

const all = (b: Bounds): bigint => bitsBetween(b.min, b.max, 1) | STAR;

function parseInteger(text: string, bounds: Bounds, expression: string): number {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\+?\d+$/.test(text)) {
    if (/^-\d+$/.test(text)) throw new CronError(`negative number (${text}) not allowed in ${bounds.label}: ${expression}`);
    throw new CronError(`"${text}" is not a valid ${bounds.label} in "${expression}"`);
  }
  return Number(text);
}

/** robfig getRange: one comma-separated piece of a field. */
function parseRange(piece: string, bounds: Bounds): bigint {
  const rangeAndStep = piece.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let extra = 0n;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
    extra = STAR;
  } else {
    start = parseInteger(lowAndHigh[0]!, bounds, piece);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseInteger(lowAndHigh[1]!, bounds, piece);
    else throw new CronError(`too many hyphens in ${bounds.label}: "${piece}"`);
  }
  let step: number;
  if (rangeAndStep.length === 1) step = 1;
  else if (rangeAndStep.length === 2) {
    step = parseInteger(rangeAndStep[1]!, { ...bounds, names: undefined }, piece);
    // "N/step" means "N-max/step".
    if (singleDigit) end = bounds.max;
    if (step > 1) extra = 0n;
  } else throw new CronError(`too many slashes in ${bounds.label}: "${piece}"`);

  if (start < bounds.min) throw new CronError(`${bounds.label} ${start} is below the minimum ${bounds.min} in "${piece}"`);
  if (end > bounds.max) throw new CronError(`${bounds.label} ${end} is above the maximum ${bounds.max} in "${piece}"${bounds === DOW && end === 7 ? ' (Sunday is 0 in Kubernetes cron)' : ''}`);
  if (start > end) throw new CronError(`${bounds.label} range "${piece}" starts after it ends`);
  if (step === 0) throw new CronError(`step of ${bounds.label} range "${piece}" must be a positive number`);
  return bitsBetween(start, end, step) | extra;
}

function parseField(field: string, bounds: Bounds): bigint {
  let bits = 0n;
  for (const piece of field.split(',').filter((p) => p !== '')) bits |= parseRange(piece, bounds);
  return bits;
}

const DESCRIPTORS: Record<string, () => Fields> = {
  '@yearly': () => ({ minute: 1n, hour: 1n, dom: 1n << 1n, month: 1n << 1n, dow: all(DOW) }),
  '@annually': () => DESCRIPTORS['@yearly']!(),
  '@monthly': () => ({ minute: 1n, hour: 1n, dom: 1n << 1n, month: all(MONTHS), dow: all(DOW) }),
  '@weekly': () => ({ minute: 1n, hour: 1n, dom: all(DOM), month: all(MONTHS), dow: 1n }),
  '@daily': () => ({ minute: 1n, hour: 1n, dom: all(DOM), month: all(MONTHS), dow: all(DOW) }),
  '@midnight': () => DESCRIPTORS['@daily']!(),
  '@hourly': () => ({ minute: 1n, hour: all(HOURS), dom: all(DOM), month: all(MONTHS), dow: all(DOW) }),
};

export interface CronSchedule {
  readonly expression: string;
  readonly timeZone: string;
  /** True when both day fields are restricted, so either one triggers a run (standard cron OR rule). */
  readonly dayFieldsOred: boolean;
  /** First run strictly after `after` (whole seconds), or null if none within five years. */
  next(after: Date): Date | null;
  /** Whether a run is due at this wall time (seconds ignored). */
  matchesWall(wall: WallTime): boolean;
}

/**
 * Parses a schedule for a CronJob. Refuses what the Kubernetes API server refuses (and a few
 * things it accepts but that do not mean what users think: `TZ=` prefixes, `@every`).
 */
export function parseCron(expression: string, timeZone: string): CronSchedule {
  const zone = checkTimeZone(timeZone);
  if (!zone.ok) {
    throw new CronError(
      `"${timeZone}" is not an IANA time zone${zone.suggestion ? ` (did you mean "${zone.suggestion}"?)` : ''}; use a name such as "Europe/Berlin", "America/Sao_Paulo" or "UTC"`,
    );
  }
  const spec = expression.trim();
  if (spec === '') throw new CronError('the cron expression is empty');
  if (/^(CRON_)?TZ=/i.test(spec)) {
    throw new CronError('TZ= and CRON_TZ= prefixes are not allowed in the cron expression; choose the time zone in the time zone field instead');
  }
  let fields: Fields;
  if (spec.startsWith('@')) {
    const descriptor = DESCRIPTORS[spec.toLowerCase()];
    if (!descriptor) {
      if (spec.toLowerCase().startsWith('@every')) throw new CronError('"@every" intervals are not supported; write a 5-field cron expression, e.g. "*/15 * * * *"');
      throw new CronError(`unknown descriptor "${spec}"; use @hourly, @daily, @weekly, @monthly or @yearly, or 5 fields`);
    }
    fields = descriptor();
  } else {
    const parts = spec.split(/\s+/);
    if (parts.length !== 5) {
      throw new CronError(`expected exactly 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}: "${spec}"`);
    }
    fields = {
      minute: parseField(parts[0]!, MINUTES),
      hour: parseField(parts[1]!, HOURS),
      dom: parseField(parts[2]!, DOM),
      month: parseField(parts[3]!, MONTHS),
      dow: parseField(parts[4]!, DOW),
    };
  }
  return new SpecSchedule(spec, timeZone, fields);
}

const bit = (n: number): bigint => 1n << BigInt(n);

/** Steps from `current` to the next value set in `field`, or to the wrap at `size` (→ 0). */
function stepsToNext(field: bigint, current: number, size: number): number {
  for (let value = current + 1; value < size; value++) if ((bit(value) & field) > 0n) return value - current;
  return size - current;
}

/**
 * `t` advanced by `steps` × `stepMs`, as Go's one-step-at-a-time loop would reach it: one jump when
 * the UTC offset is the same at both ends and a whole number of minutes (the wall clock then moves
 * with the instant), otherwise a single step so the loop re-reads the wall clock after it.
 */
function jump(t: number, stepMs: number, steps: number, zone: string): number {
  if (steps <= 1) return t + stepMs;
  const target = t + steps * stepMs;
  const offset = offsetAt(t, zone);
  return offset % 60_000 === 0 && offsetAt(target, zone) === offset ? target : t + stepMs;
}

class SpecSchedule implements CronSchedule {
  readonly dayFieldsOred: boolean;

  constructor(
    readonly expression: string,
    readonly timeZone: string,
    private readonly fields: Fields,
  ) {
    this.dayFieldsOred = (fields.dom & STAR) === 0n && (fields.dow & STAR) === 0n;
  }

  private dayMatches(wall: WallTime): boolean {
    const domMatch = (bit(wall.day) & this.fields.dom) > 0n;
    const dowMatch = (bit(wall.weekday) & this.fields.dow) > 0n;
    if ((this.fields.dom & STAR) > 0n || (this.fields.dow & STAR) > 0n) return domMatch && dowMatch;
    return domMatch || dowMatch;
  }

  matchesWall(wall: WallTime): boolean {
    return (
      (bit(wall.month) & this.fields.month) > 0n &&
      this.dayMatches(wall) &&
      (bit(wall.hour) & this.fields.hour) > 0n &&
      (bit(wall.minute) & this.fields.minute) > 0n
    );
  }

  /** robfig SpecSchedule.Next, line for line (seconds field fixed at 0 for standard specs). */
  next(after: Date): Date | null {
    const zone = this.timeZone;
    const wall = (ms: number): WallTime => wallTimeAt(ms, zone);
    const f = this.fields;
    // Start at the earliest possible time (the upcoming second).
    let t = Math.floor(after.getTime() / 1000) * 1000 + 1000;
    let added = false;
    const yearLimit = wall(t).year + 5;

    wrap: for (;;) {
      let w = wall(t);
      if (w.year > yearLimit) return null;

      while ((bit(w.month) & f.month) === 0n) {
        if (!added) {
          added = true;
          t = instantOf(w.year, w.month, 1, 0, 0, 0, zone);
          w = wall(t);
        }
        t = instantOf(w.year, w.month + 1, w.day, w.hour, w.minute, w.second, zone);
        w = wall(t);
        if (w.month === 1) continue wrap;
      }

      while (!this.dayMatches(w)) {
        if (!added) {
          added = true;
          t = instantOf(w.year, w.month, w.day, 0, 0, 0, zone);
          w = wall(t);
        }
        t = instantOf(w.year, w.month, w.day + 1, w.hour, w.minute, w.second, zone);
        w = wall(t);
        // Midnight may not exist on a daylight-saving day: get back to hour 0 as Go's code does.
        if (w.hour !== 0) {
          t += (w.hour > 12 ? 24 - w.hour : -w.hour) * 3_600_000;
          w = wall(t);
        }
        if (w.day === 1) continue wrap;
      }

      // Go adds one hour / minute / second at a time; `steps` takes the same steps in one jump
      // when no offset change lies in between (the result is identical, without ~60 zone lookups).
      while ((bit(w.hour) & f.hour) === 0n) {
        if (!added) {
          added = true;
          t = instantOf(w.year, w.month, w.day, w.hour, 0, 0, zone);
        }
        t = jump(t, 3_600_000, stepsToNext(f.hour, w.hour, 24), zone);
        w = wall(t);
        if (w.hour === 0) continue wrap;
      }

      while ((bit(w.minute) & f.minute) === 0n) {
        if (!added) {
          added = true;
          t = Math.floor(t / 60_000) * 60_000;
        }
        t = jump(t, 60_000, stepsToNext(f.minute, w.minute, 60), zone);
        w = wall(t);
        if (w.minute === 0) continue wrap;
      }

      while (w.second !== 0) {
        if (!added) {
          added = true;
          t = Math.floor(t / 1000) * 1000;
        }
        t = jump(t, 1000, 60 - w.second, zone);
        w = wall(t);
        if (w.second === 0) continue wrap;
      }
      return new Date(t);
    }
  }
}

/** The next `count` run times after `from`. */
export function nextRuns(schedule: CronSchedule, from: Date, count: number): Date[] {
  const runs: Date[] = [];
  let cursor = from;
  while (runs.length < count) {
    const next = schedule.next(cursor);
    if (!next) break;
    runs.push(next);
    cursor = next;
  }
  return runs;
}

/** Slots in (fromExclusive, toInclusive], at most `limit` of them (oldest first). */
export function slotsBetween(schedule: CronSchedule, fromExclusive: Date, toInclusive: Date, limit: number): Date[] {
  const slots: Date[] = [];
  let cursor = fromExclusive;
  while (slots.length < limit) {
    const next = schedule.next(cursor);
    if (!next || next.getTime() > toInclusive.getTime()) break;
    slots.push(next);
    cursor = next;
  }
  return slots;
}

/**
 * Smallest gap between consecutive runs over the coming year (sampled up to 2,000 runs), in
 * seconds. The scan ends early once a gap of `enough` seconds or less is seen: callers that clamp
 * the result from below need no more (an every-minute cron answers after two runs, not 2,000).
 */
export function shortestInterval(schedule: CronSchedule, from: Date, enough = 0): number {
  const horizon = from.getTime() + 366 * 86_400_000;
  let shortest = Number.POSITIVE_INFINITY;
  let previous = schedule.next(from);
  for (let i = 1; previous && i < 2000 && previous.getTime() < horizon && shortest > enough; i++) {
    const next = schedule.next(previous);
    if (!next) break;
    shortest = Math.min(shortest, (next.getTime() - previous.getTime()) / 1000);
    previous = next;
  }
  return Number.isFinite(shortest) ? shortest : 366 * 86_400;
}

/**
 * `startingDeadlineSeconds` for a CronJob: at least 60 s (a slow controller must not skip runs,
 * case C12), at most the shortest interval (a late run must not overlap the next slot) and at
 * most one hour (after a longer outage a run is reported missed rather than started late).
 */
export function startingDeadlineSeconds(schedule: CronSchedule, from: Date = new Date()): number {
  return Math.max(60, Math.min(3600, Math.floor(shortestInterval(schedule, from, 60))));
}
