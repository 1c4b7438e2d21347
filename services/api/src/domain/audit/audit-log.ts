/**
 * The read side of the audit trail for admins: "who did what, when", filterable by user, action,
 * target and date range, newest first with keyset pagination.
 */
import { authorize, type Actor } from '../auth/actor.js';
import { ValidationError } from '../errors.js';
import { instantOf } from '../cron/index.js';
import type { AuditEvent } from '../model.js';
import type { AuditFilter, AuditRepository } from '../ports.js';

export type AuditRecord = AuditEvent & { id: number };

const OUTCOMES: readonly AuditEvent['outcome'][] = ['success', 'failure', 'refused'];

export class AuditLog {
  constructor(private readonly repository: AuditRepository) {}

  async search(actor: Actor, filter: AuditFilter): Promise<AuditRecord[]> {
    authorize(actor, 'users.manage');
    if (filter.from && filter.to && filter.from >= filter.to) throw new ValidationError('The start of the date range must be before its end', 'from');
    return this.repository.list(filter);
  }
}

/**
 * Reads a filter from query strings (API and page alike): user, action, targetType, targetId,
 * outcome, from, to (ISO 8601 instants, or dates YYYY-MM-DD read in `zone`; `to` as a date
 * includes that whole day), before, limit.
 */
export function readAuditFilter(query: Record<string, unknown>, zone = 'UTC'): AuditFilter {
  const str = (key: string): string | undefined => (typeof query[key] === 'string' && (query[key] as string).trim() !== '' ? (query[key] as string).trim() : undefined);
  const limitRaw = Number(str('limit') ?? 50);
  const beforeRaw = Number(str('before'));
  const outcome = str('outcome');
  if (outcome && !(OUTCOMES as readonly string[]).includes(outcome)) throw new ValidationError(`outcome must be one of ${OUTCOMES.join(', ')}`, 'outcome');
  const from = readInstant(str('from'), 'from', zone, false);
  const to = readInstant(str('to'), 'to', zone, true);
  const user = str('user');
  const action = str('action');
  const targetType = str('targetType');
  const targetId = str('targetId');
  return {
    limit: Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, 200) : 50,
    ...(Number.isInteger(beforeRaw) && beforeRaw > 0 ? { before: beforeRaw } : {}),
    ...(user ? { actor: user.toLowerCase() } : {}),
    ...(action ? { action } : {}),
    ...(targetType ? { targetType } : {}),
    ...(targetId ? { targetId } : {}),
    ...(outcome ? { outcome: outcome as AuditEvent['outcome'] } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

function readInstant(value: string | undefined, field: string, zone: string, endOfDay: boolean): Date | undefined {
  if (!value) return undefined;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) {
    // Midnight of that day in the viewer's zone; for the upper bound, midnight of the next day.
    return new Date(instantOf(Number(day[1]), Number(day[2]), Number(day[3]) + (endOfDay ? 1 : 0), 0, 0, 0, zone));
  }
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) {
    throw new ValidationError(`${field} must be a date (YYYY-MM-DD) or an ISO 8601 time such as 2026-01-31T12:00:00Z`, field);
  }
  return date;
}
