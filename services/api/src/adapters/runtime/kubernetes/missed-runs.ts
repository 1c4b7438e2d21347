/**
 * Missed runs (C12). The CronJob controller starts at most the most recent slot, and only within
 * `startingDeadlineSeconds`; every other slot since the last start is silently gone. We compute
 * those slots from the CronJob's `status.lastScheduleTime` with the same cron rules
 * (domain/cron) and report them, with the controller's own Event reason when it left one.
 */
import type { CoreV1Event, V1CronJob } from '@kubernetes/client-node';
import { parseCron, slotsBetween } from '../../../domain/cron/index.js';

/** More than this per check would only flood the dashboard; the rest follows on the next check. */
export const MAX_MISSED_PER_CHECK = 500;

const CONTROLLER_REASONS = ['TooManyMissedTimes', 'MissSchedule', 'FailedNeedsStart', 'MissingJob', 'FailedCreate'];

export interface MissedSlotsInput {
  cron: string;
  timeZone: string;
  startingDeadlineSeconds: number;
  /** Slots up to and including this instant were already accounted for (reported or run). */
  accountedUntil: Date;
  /** CronJob status.lastScheduleTime: the slot the controller last started. */
  lastScheduleTime?: Date;
  now: Date;
  /** Slots for which a Job exists anyway (never missed). */
  startedSlots?: ReadonlySet<number>;
}

/**
 * Slots after `accountedUntil` that can no longer run: those before the last started slot (the
 * controller never goes back) and those older than the starting deadline.
 */
export function missedSlots(input: MissedSlotsInput): Date[] {
  const schedule = parseCron(input.cron, input.timeZone);
  const deadlinePassed = new Date(input.now.getTime() - input.startingDeadlineSeconds * 1000);
  const last = input.lastScheduleTime?.getTime() ?? Number.NEGATIVE_INFINITY;
  const horizon = new Date(Math.max(deadlinePassed.getTime(), last));
  return slotsBetween(schedule, input.accountedUntil, horizon, MAX_MISSED_PER_CHECK + 1)
    .filter((slot) => slot.getTime() !== last && !input.startedSlots?.has(slot.getTime()))
    .slice(0, MAX_MISSED_PER_CHECK);
}

/** The newest controller Event about this CronJob that explains skipped slots, as "Reason: message". */
export function missedReason(events: CoreV1Event[], startingDeadlineSeconds: number): string {
  const relevant = events
    .filter((e) => e.reason && (CONTROLLER_REASONS.includes(e.reason) || e.type === 'Warning'))
    .sort((a, b) => eventTime(b) - eventTime(a));
  const newest = relevant[0];
  if (newest) return `${newest.reason}: ${newest.message ?? ''}`.trim();
  return `not started within startingDeadlineSeconds (${startingDeadlineSeconds} s): the CronJob controller was down or late`;
}

function eventTime(event: CoreV1Event): number {
  const at = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp;
  return at ? new Date(at).getTime() : 0;
}

/** Where the missed-slot scan starts the first time a CronJob is seen. */
export function initialWatermark(cronJob: V1CronJob): Date {
  const last = cronJob.status?.lastScheduleTime ?? cronJob.metadata?.creationTimestamp;
  return last ? new Date(last) : new Date(0);
}
