/**
 * The dashboard's filters, kept in the URL so a filtered view can be bookmarked and shared:
 * status, schedule, kind (scheduled / manual / ad hoc), a date range in the viewer's zone, and the
 * keyset cursor (`before` = older page, `after` = newer page).
 */
import type { Request } from 'express';
import { DateTime } from 'luxon';
import { ValidationError } from '../../../domain/errors.js';
import type { ExecutionFilter } from '../../../domain/ports.js';
import { executionFilter } from '../api/router.js';

export const PAGE_SIZE = 50;

/** The filter as the form shows it (strings; empty = not set). */
export interface DashboardForm {
  status: string;
  scheduleId: string;
  kind: string;
  from: string;
  to: string;
}

const FORM_KEYS = ['status', 'scheduleId', 'kind', 'from', 'to'] as const;

function day(value: unknown, field: 'from' | 'to', zone: string): DateTime | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone }) : null;
  if (!date?.isValid) throw new ValidationError(`${field} must be a date (YYYY-MM-DD)`, field);
  return date.startOf('day');
}

export function parseDashboardQuery(query: Request['query'], zone: string): { filter: ExecutionFilter; form: DashboardForm } {
  // Status, schedule, kind and the keyset cursor as the API reads them (same checks, same messages);
  // the date range here, as whole days in the viewer's zone.
  const { from: _f, to: _t, ...base } = executionFilter({ ...query, from: undefined, to: undefined, limit: String(PAGE_SIZE) });
  const from = day(query.from, 'from', zone);
  // The "to" day is included: the range ends at the start of the next day.
  const to = day(query.to, 'to', zone)?.plus({ days: 1 });
  if (from && to && to <= from) throw new ValidationError('to must be the same day as from or later', 'to');
  const filter: ExecutionFilter = {
    ...base,
    ...(from ? { from: from.toJSDate() } : {}),
    ...(to ? { to: to.toJSDate() } : {}),
  };
  return { filter, form: dashboardForm(query) };
}

/** The filter fields as typed (also when they do not parse: the form shows them back with the message). */
export function dashboardForm(query: Request['query']): DashboardForm {
  const text = (key: string) => (typeof query[key] === 'string' ? (query[key] as string) : '');
  return { status: text('status'), scheduleId: text('scheduleId'), kind: text('kind'), from: text('from'), to: text('to') };
}

/** The dashboard URL for this filter plus extra parameters (cursor, fragment). */
export function dashboardUrl(form: DashboardForm, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams();
  for (const key of FORM_KEYS) if (form[key]) params.set(key, form[key]);
  for (const [key, value] of Object.entries(extra)) params.set(key, String(value));
  const query = params.toString();
  return query ? `/?${query}` : '/';
}
