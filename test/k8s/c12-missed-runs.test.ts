import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RunObservation } from '../../services/api/src/domain/runtime/runtime.js';
import { buildCronJob } from '../../services/api/src/adapters/runtime/kubernetes/objects.js';
import { missedReason, missedSlots } from '../../services/api/src/adapters/runtime/kubernetes/missed-runs.js';
import { ManualClock, NAMESPACE, eventually, schedule, startFakeCluster, testSettings, type FakeCluster } from './support.js';

const at = (iso: string) => new Date(iso);
let cluster: FakeCluster;
const clock = new ManualClock(at('2024-06-01T02:00:30Z'));

beforeAll(async () => {
  cluster = await startFakeCluster(clock);
});
afterAll(async () => {
  await cluster.close();
});

describe('C12: missed schedules', () => {
  test('C12: every CronJob gets startingDeadlineSeconds >= 60 and <= its interval; daily -> 3600', () => {
    const runtime = cluster.runtime();
    const deadline = (cron: string) => runtime.desiredCronJob(schedule('d', { cron, timeZone: 'UTC' })).spec!.startingDeadlineSeconds;
    expect(deadline('*/1 * * * *')).toBe(60);
    expect(deadline('*/5 * * * *')).toBe(300);
    expect(deadline('0 * * * *')).toBe(3600);
    expect(deadline('1 0 * * *')).toBe(3600);
  });

  test('C12: after a 2 h controller outage, 119 slots are missed with the event reason and only the catch-up runs', async () => {
    const runtime = cluster.runtime();
    const seen: RunObservation[] = [];
    runtime.subscribe((o) => void seen.push(o));
    await runtime.apply(schedule('m', { cron: '*/1 * * * *', timeZone: 'UTC' }));
    const cronJob = cluster.api.get('cronjobs', NAMESPACE, 'etl-s-m')!;
    expect(cronJob.spec.startingDeadlineSeconds).toBe(60);
    // The controller last started the 00:00 slot, then the cluster was down until 02:00:30.
    cluster.controllers.setLastScheduleTime('etl-s-m', at('2024-06-01T00:00:00Z'));
    cluster.controllers.recordEvent(
      { kind: 'CronJob', name: 'etl-s-m', uid: cronJob.metadata.uid },
      'TooManyMissedTimes',
      'too many missed start times: 120. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
      at('2024-06-01T02:00:05Z'),
    );
    cluster.controllers.recordEvent({ kind: 'CronJob', name: 'other' }, 'MissSchedule', 'not ours', at('2024-06-01T02:00:06Z'));

    await runtime.start();
    const missed = () => seen.filter((o): o is Extract<RunObservation, { type: 'missed' }> => o.type === 'missed');
    expect(missed()).toHaveLength(119);
    expect(missed()[0]).toEqual({
      type: 'missed',
      scheduleId: 'm',
      scheduledFor: at('2024-06-01T00:01:00Z'),
      reason: 'TooManyMissedTimes: too many missed start times: 120. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
    });
    expect(missed().at(-1)!.scheduledFor).toEqual(at('2024-06-01T01:59:00Z'));

    // The controller's single catch-up run for the 02:00 slot (within the 60 s deadline).
    const catchUp = cluster.controllers.fireCronJob('etl-s-m', at('2024-06-01T02:00:00Z'));
    await eventually(() => expect(seen.some((o) => o.type === 'running' && o.handle.name === catchUp.metadata.name)).toBe(true));
    await runtime.checkMissedRuns();
    expect(missed()).toHaveLength(119);
    expect(cluster.api.list('jobs', NAMESPACE, 'etl-monitor/schedule=m').map((j) => j.metadata.name)).toEqual([catchUp.metadata.name]);
    expect(cluster.api.writesSince(0).filter((w) => w.plural === 'jobs')).toEqual([]);

    // Back to normal: on-time slots are never reported.
    for (const minute of ['01', '02', '03']) {
      clock.set(at(`2024-06-01T02:${minute}:05Z`));
      cluster.controllers.finishJob(cluster.api.list('jobs', NAMESPACE, 'etl-monitor/schedule=m').at(-1)!.metadata.name, { outcome: 'Complete' });
      const job = cluster.controllers.fireCronJob('etl-s-m', at(`2024-06-01T02:${minute}:00Z`));
      await eventually(() => expect(seen.some((o) => o.type === 'running' && o.handle.name === job.metadata.name)).toBe(true));
      await runtime.idle();
    }
    clock.set(at('2024-06-01T02:03:50Z'));
    await runtime.idle();
    await runtime.checkMissedRuns();
    expect(missed()).toHaveLength(119);
    await runtime.close();
  });

  test('C12: a slot the controller is late for beyond the deadline is missed with a readable default reason', () => {
    expect(
      missedSlots({
        cron: '1 0 * * *',
        timeZone: 'UTC',
        startingDeadlineSeconds: 3600,
        accountedUntil: at('2024-06-01T00:01:00Z'),
        lastScheduleTime: at('2024-06-01T00:01:00Z'),
        now: at('2024-06-02T01:01:01Z'),
      }),
    ).toEqual([at('2024-06-02T00:01:00Z')]);
    expect(missedReason([], 3600)).toBe('not started within startingDeadlineSeconds (3600 s): the CronJob controller was down or late');
    // Still within the deadline: not missed (yet).
    expect(
      missedSlots({
        cron: '1 0 * * *',
        timeZone: 'UTC',
        startingDeadlineSeconds: 3600,
        accountedUntil: at('2024-06-01T00:01:00Z'),
        lastScheduleTime: at('2024-06-01T00:01:00Z'),
        now: at('2024-06-02T01:00:59Z'),
      }),
    ).toEqual([]);
  });

  test('C12: a deactivated (suspended) schedule reports no missed slots', async () => {
    clock.set(at('2024-06-03T12:00:00Z'));
    const runtime = cluster.runtime();
    const seen: RunObservation[] = [];
    runtime.subscribe((o) => void seen.push(o));
    await runtime.apply(schedule('off', { cron: '*/1 * * * *', timeZone: 'UTC', active: false }));
    cluster.controllers.setLastScheduleTime('etl-s-off', at('2024-06-03T10:00:00Z'));
    await runtime.start();
    await runtime.checkMissedRuns();
    expect(seen.filter((o) => o.type === 'missed' && o.scheduleId === 'off')).toEqual([]);
    await runtime.close();
  });

  test('C12: the built CronJob keeps Forbid so the controller never stacks catch-up Jobs', () => {
    const cronJob = buildCronJob(schedule('f', { cron: '*/1 * * * *', timeZone: 'UTC' }), testSettings(), { startingDeadlineSeconds: 60 }, { suspendScheduledRuns: true });
    expect([cronJob.spec!.concurrencyPolicy, cronJob.spec!.startingDeadlineSeconds]).toEqual(['Forbid', 60]);
  });
});
