import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { AdmissionDecision, RunAdmission, ScheduledRunClaim } from '../../services/api/src/adapters/runtime/kubernetes/run-admission.js';
import type { KubernetesRuntime } from '../../services/api/src/adapters/runtime/kubernetes/kubernetes-runtime.js';
import { NAMESPACE, eventually, manualRun, schedule, startFakeCluster, type FakeCluster } from './support.js';

/**
 * What the control plane's execution store does (one active execution per schedule, enforced in
 * the database): manual requests claim synchronously before runNow; CronJob-created Jobs claim
 * through RunAdmission. Answers are idempotent per Job name.
 */
class FakeExecutionStore implements RunAdmission {
  private readonly active = new Map<string, string>();
  private readonly byJob = new Map<string, AdmissionDecision>();
  readonly skipped: { scheduleId: string; jobName: string; reason: string }[] = [];
  private sequence = 0;

  claimManual(scheduleId: string): string | null {
    if (this.active.has(scheduleId)) return null;
    const executionId = `m${++this.sequence}`;
    this.active.set(scheduleId, executionId);
    return executionId;
  }

  async claimScheduledRun(claim: ScheduledRunClaim): Promise<AdmissionDecision> {
    await new Promise((resolve) => setImmediate(resolve)); // a database round trip
    const known = this.byJob.get(claim.jobName);
    if (known) return known;
    const holder = this.active.get(claim.scheduleId);
    let decision: AdmissionDecision;
    if (holder) {
      decision = { admitted: false, reason: `execution ${holder} of this schedule is still running` };
      this.skipped.push({ scheduleId: claim.scheduleId, jobName: claim.jobName, reason: decision.reason });
    } else {
      const executionId = `c${++this.sequence}`;
      this.active.set(claim.scheduleId, executionId);
      decision = { admitted: true, executionId };
    }
    this.byJob.set(claim.jobName, decision);
    return decision;
  }
}

let cluster: FakeCluster;
beforeAll(async () => {
  cluster = await startFakeCluster();
});
afterAll(async () => {
  await cluster.close();
});

async function fiftyManualRequests(runtime: KubernetesRuntime, store: FakeExecutionStore, scheduleId: string): Promise<number[]> {
  return Promise.all(
    Array.from({ length: 50 }, async () => {
      const executionId = store.claimManual(scheduleId);
      if (!executionId) return 409;
      await runtime.runNow(manualRun(executionId, scheduleId));
      return 201;
    }),
  );
}

const startedFor = (scheduleId: string) => cluster.controllers.startedJobs.filter((name) => cluster.api.get('jobs', NAMESPACE, name)?.metadata.labels?.['etl-monitor/schedule'] === scheduleId || name.startsWith(`etl-s-${scheduleId}-`));

describe('one run per schedule across manual and CronJob-created runs', () => {
  test('50 concurrent manual requests plus a CronJob-created Job: exactly one extractor starts', async () => {
    const store = new FakeExecutionStore();
    const runtime = cluster.runtime({ admission: store });
    await runtime.start();
    await runtime.apply(schedule('ov', { cron: '*/5 * * * *', timeZone: 'UTC' }));
    expect(cluster.api.get('cronjobs', NAMESPACE, 'etl-s-ov')!.spec.jobTemplate.spec.suspend).toBe(true);

    const [codes] = await Promise.all([fiftyManualRequests(runtime, store, 'ov'), Promise.resolve(cluster.controllers.fireCronJob('etl-s-ov', new Date('2024-06-01T03:00:00Z')))]);
    await eventually(() => expect(cluster.api.get('jobs', NAMESPACE, 'etl-s-ov-28620180')).toBeUndefined());
    await runtime.idle();

    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(49);
    expect(startedFor('ov')).toEqual(['etl-x-m1']);
    expect(store.skipped).toEqual([{ scheduleId: 'ov', jobName: 'etl-s-ov-28620180', reason: 'execution m1 of this schedule is still running' }]);
    expect(cluster.api.list('pods', NAMESPACE, 'etl-monitor/schedule=ov').map((p) => p.metadata.labels!['job-name'])).toEqual(['etl-x-m1']);
    await runtime.close();
  });

  test('the CronJob-created Job first: it is admitted and unsuspended, all 50 manual requests are refused', async () => {
    const store = new FakeExecutionStore();
    const runtime = cluster.runtime({ admission: store });
    const seen: string[] = [];
    runtime.subscribe((o) => void (o.type === 'running' && o.scheduleId === 'ov2' && seen.push(`${o.handle.name}:${o.executionId}:${o.scheduledFor?.toISOString()}`)));
    await runtime.start();
    await runtime.apply(schedule('ov2', { cron: '*/5 * * * *', timeZone: 'UTC' }));
    const job = cluster.controllers.fireCronJob('etl-s-ov2', new Date('2024-06-01T03:05:00Z'));
    await eventually(() => expect(cluster.controllers.podsOf(job.metadata.name)).toHaveLength(1));

    const codes = await fiftyManualRequests(runtime, store, 'ov2');
    await runtime.idle();
    expect(codes.filter((c) => c === 409)).toHaveLength(50);
    expect(startedFor('ov2')).toEqual([job.metadata.name]);
    const admitted = cluster.api.get('jobs', NAMESPACE, job.metadata.name)!;
    expect([admitted.spec.suspend, admitted.metadata.labels!['etl-monitor/execution'], admitted.metadata.annotations!['etl-monitor/admitted-execution']]).toEqual([false, 'c1', 'c1']);
    await eventually(() => expect(seen).toEqual([`${job.metadata.name}:c1:2024-06-01T03:05:00.000Z`]));
    await runtime.close();
  });

  test('a re-list or a second leader replays the suspended Job: the store answers the same, nothing changes', async () => {
    const store = new FakeExecutionStore();
    const first = cluster.runtime({ admission: store });
    await first.start();
    await first.apply(schedule('ov3', { cron: '*/5 * * * *', timeZone: 'UTC' }));
    cluster.controllers.autoStartPods = false;
    const job = cluster.controllers.fireCronJob('etl-s-ov3', new Date('2024-06-01T03:10:00Z'));
    await eventually(() => expect(cluster.api.get('jobs', NAMESPACE, job.metadata.name)!.spec.suspend).toBe(false));
    await first.close();
    cluster.api.update('jobs', NAMESPACE, job.metadata.name, (j) => {
      j.spec.suspend = true; // as if the patch had been lost: a new leader must ask again and get the same answer
      delete j.metadata.annotations!['etl-monitor/admitted-execution'];
    });
    const second = cluster.runtime({ admission: store });
    await second.start();
    await eventually(() => expect(cluster.api.get('jobs', NAMESPACE, job.metadata.name)!.metadata.annotations!['etl-monitor/admitted-execution']).toBe('c1'));
    expect(store.skipped).toEqual([]);
    cluster.controllers.autoStartPods = true;
    await second.close();
  });
});
