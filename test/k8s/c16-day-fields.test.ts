import { describe, expect, test } from '@jest/globals';
import { missedSlots } from '../../services/api/src/adapters/runtime/kubernetes/missed-runs.js';
import { buildCronJob } from '../../services/api/src/adapters/runtime/kubernetes/objects.js';
import { validateCronJob } from '../../services/api/src/adapters/runtime/kubernetes/validate.js';
import { schedule, testSettings } from './support.js';

// The parser itself is tested in test/cron (C16); here: the runtime's slot arithmetic (missed runs)
// uses the same OR rule as the Kubernetes CronJob controller, and the expression reaches the API unchanged.
const slots = (cron: string) =>
  missedSlots({ cron, timeZone: 'UTC', startingDeadlineSeconds: 3600, accountedUntil: new Date('2024-06-01T00:00:00Z'), now: new Date('2024-06-25T04:00:01Z') }).map((d) => d.toISOString().slice(0, 10));

describe('C16: day-of-month and day-of-week are ORed', () => {
  test('C16: missed-slot computation for "0 3 1-7 * 1" matches Kubernetes', () => {
    expect(slots('0 3 1-7 * 1')).toEqual(['2024-06-01', '2024-06-02', '2024-06-03', '2024-06-04', '2024-06-05', '2024-06-06', '2024-06-07', '2024-06-10', '2024-06-17', '2024-06-24']);
  });

  test('C16 control: "0 3 * * 1" is Mondays only', () => {
    expect(slots('0 3 * * 1')).toEqual(['2024-06-03', '2024-06-10', '2024-06-17', '2024-06-24']);
  });

  test('C16: the CronJob carries the expression as written (the controller applies the same OR rule)', () => {
    const cronJob = validateCronJob(buildCronJob(schedule('fm', { cron: '0 3 1-7 * 1', timeZone: 'UTC' }), testSettings(), { startingDeadlineSeconds: 3600 }, { suspendScheduledRuns: true }));
    expect([cronJob.spec!.schedule, cronJob.spec!.timeZone]).toEqual(['0 3 1-7 * 1', 'UTC']);
  });
});
