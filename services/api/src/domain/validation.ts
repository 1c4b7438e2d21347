/**
 * Small readers for untrusted input (form fields, JSON bodies). Each throws a ValidationError
 * naming the field, so the API can answer 422 with a message a user can act on.
 */
import { checkTimeZone } from './cron/index.js';
import { ValidationError } from './errors.js';

export type Input = Record<string, unknown>;

export function text(input: Input, field: string, label: string, opts: { max?: number; optional?: false }): string;
export function text(input: Input, field: string, label: string, opts: { max?: number; optional: true }): string | null;
export function text(input: Input, field: string, label: string, opts: { max?: number; optional?: boolean } = {}): string | null {
  const raw = input[field];
  const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : raw == null ? '' : null;
  if (value === null) throw new ValidationError(`${label} must be text`, field);
  if (value === '') {
    if (opts.optional) return null;
    throw new ValidationError(`${label} is required`, field);
  }
  const max = opts.max ?? 200;
  if (value.length > max) throw new ValidationError(`${label} must be at most ${max} characters`, field);
  return value;
}

export function integer(input: Input, field: string, label: string, range: { min: number; max: number; fallback?: number }): number {
  const raw = input[field];
  if ((raw === undefined || raw === '' || raw === null) && range.fallback !== undefined) return range.fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ValidationError(`${label} must be a whole number between ${range.min} and ${range.max}`, field);
  }
  return value;
}

export function oneOf<T extends string>(input: Input, field: string, label: string, allowed: readonly T[], fallback?: T): T {
  const raw = input[field];
  if ((raw === undefined || raw === '') && fallback !== undefined) return fallback;
  if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) {
    throw new ValidationError(`${label} must be one of ${allowed.join(', ')}`, field);
  }
  return raw as T;
}

/** Checkbox-friendly: true/false, "true"/"false", "on", "1"/"0"; absent = fallback. */
export function bool(input: Input, field: string, fallback: boolean): boolean {
  const raw = input[field];
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (typeof raw === 'boolean') return raw;
  if (Array.isArray(raw)) return raw.some((v) => bool({ v }, 'v', false)); // hidden "false" + checked "true"
  return ['true', 'on', '1', 'yes'].includes(String(raw).toLowerCase());
}

/** A comma-separated list or an array of identifiers. */
export function list(input: Input, field: string, label: string): string[] {
  const raw = input[field];
  if (raw === undefined || raw === null || raw === '') return [];
  const items = Array.isArray(raw) ? raw : String(raw).split(',');
  const names = items.map((v) => String(v).trim()).filter(Boolean);
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name)) throw new ValidationError(`${label}: "${name}" is not a column name`, field);
  }
  return names;
}

export function timeZone(input: Input, field: string, label: string, fallback?: string): string {
  const zone = text(input, field, label, { optional: true }) ?? fallback;
  if (!zone) throw new ValidationError(`${label} is required`, field);
  const check = checkTimeZone(zone);
  if (!check.ok) {
    const hint = check.suggestion ? ` (did you mean "${check.suggestion}"?)` : ' (use a name such as America/Sao_Paulo or UTC)';
    throw new ValidationError(`${label} "${zone}" is not an IANA time zone${hint}`, field);
  }
  return zone;
}

/** Numeric id from a route or form; a malformed id is simply "not found" for the caller. */
export function parseId(raw: unknown): number | null {
  const s = String(raw ?? '');
  return /^[1-9]\d{0,9}$/.test(s) && Number(s) <= 2147483647 ? Number(s) : null;
}
