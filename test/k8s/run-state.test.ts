import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { RunObservation } from '../../services/api/src/domain/runtime/runtime.js';
import type { KubernetesRuntime } from '../../services/api/src/adapters/runtime/kubernetes/kubernetes-runtime.js';
import { RunStateCache } from '../../services/api/src/adapters/runtime/kubernetes/run-state.js';
import { NAMESPACE, eventually, manualRun, schedule, startFakeCluster, type FakeCluster } from './support.js';

const summary = (status: string, rows: number, error?: object) =>
  JSON.stringify({ summary: true, status, rowsRead: rows, rowsWritten: rows, startedAt: '2024-06-01T03:00:00Z', finishedAt: '2024-06-01T03:01:00Z', ...(error ? { error } : {}) });

let cluster: FakeCluster;
let runtime: KubernetesRuntime;
let seen: RunObservation[];

beforeAll(async () => {
  cluster = await startFakeCluster();
  runtime = cluster.runtime();
  runtime.subscribe((o) => void seen.push(o));
  await runtime.start();
});
afterAll(async () => {
  await cluster.close();
});
beforeEach(() => {
  seen = [];
});

const of = (name: string) => seen.filter((o) => o.type !== 'due' && o.type !== 'missed' && o.handle.name === name);

describe('run state from watching Jobs and Pods', () => {
  test('manual run: running, then finished with the RunSummary from the termination message', async () => {
    const handle = await runtime.runNow(manualRun('w1'));
    await eventually(() => expect(of('etl-x-w1').map((o) => o.type)).toEqual(['running']));
    const running = of('etl-x-w1')[0] as Extract<RunObservation, { type: 'running' }>;
    expect(running.executionId).toBe('w1');
    expect(running.scheduleId).toBe('s1');
    expect(running.handle).toEqual(handle);
    cluster.controllers.finishJob('etl-x-w1', { outcome: 'Complete', terminationMessage: summary('succeeded', 42), at: new Date('2024-06-01T03:01:02Z') });
    await eventually(() => expect(of('etl-x-w1')).toHaveLength(2));
    expect(of('etl-x-w1')[1]).toEqual({
      type: 'finished',
      handle,
      executionId: 'w1',
      scheduleId: 's1',
      status: 'succeeded',
      summary: JSON.parse(summary('succeeded', 42)),
      finishedAt: new Date('2024-06-01T03:01:02Z'),
    });
  });

  test('CronJob-created Job: reported with scheduleId and scheduledFor, without executionId', async () => {
    await runtime.apply(schedule('cj', { cron: '0 3 * * *', timeZone: 'UTC' }));
    const job = cluster.controllers.fireCronJob('etl-s-cj', new Date('2024-06-01T03:00:00Z'));
    // No admission store is wired into this runtime, so the template is not suspended.
    expect(job.spec.suspend).toBeUndefined();
    await eventually(() => expect(of(job.metadata.name)).toHaveLength(1));
    const running = of(job.metadata.name)[0] as Extract<RunObservation, { type: 'running' }>;
    expect(running.scheduleId).toBe('cj');
    expect(running.scheduledFor).toEqual(new Date('2024-06-01T03:00:00Z'));
    expect('executionId' in running).toBe(false);
  });

  test.each([
    ['DeadlineExceeded', { outcome: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline', exitCode: 143 }, 'failed', 'DeadlineExceeded: Job was active longer than specified deadline (exit code 143)'],
    ['BackoffLimitExceeded', { outcome: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', exitCode: 75 }, 'failed', 'BackoffLimitExceeded: Job has reached the specified backoff limit (exit code 75)'],
    ['PodFailurePolicy', { outcome: 'Failed', reason: 'PodFailurePolicy', message: 'Container extractor for pod etl-jobs/x failed with exit code 78 matching FailJob rule at index 1', exitCode: 78, terminationMessage: summary('failed', 0, { kind: 'auth', message: 'Firebird refused user ETL_READER' }) }, 'failed', 'PodFailurePolicy: Container extractor for pod etl-jobs/x failed with exit code 78 matching FailJob rule at index 1 (exit code 78)'],
    ['Evicted', { outcome: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', exitCode: 137, podReason: 'Evicted', podMessage: 'The node was low on resource: memory.' }, 'failed', 'Evicted: The node was low on resource: memory. (exit code 137)'],
    ['stopped by SIGTERM', { outcome: 'Failed', reason: 'PodFailurePolicy', message: 'exit 143', exitCode: 143, terminationMessage: summary('stopped', 10) }, 'stopped', 'PodFailurePolicy: exit 143 (exit code 143)'],
  ] as const)('failure mapping: %s', async (label, finish, status, reason) => {
    const id = `f-${label.toLowerCase().replace(/[^a-z]+/g, '')}`;
    await runtime.runNow(manualRun(id));
    cluster.controllers.finishJob(`etl-x-${id}`, { ...finish });
    await eventually(() => expect(of(`etl-x-${id}`).at(-1)?.type).toBe('finished'));
    const finished = of(`etl-x-${id}`).at(-1) as Extract<RunObservation, { type: 'finished' }>;
    expect([finished.status, finished.reason]).toEqual([status, reason]);
    if ('terminationMessage' in finish) expect(finished.summary).toEqual(JSON.parse(finish.terminationMessage));
  });

  test('image pull failure is reported as failed with the kubelet reason', async () => {
    await runtime.runNow(manualRun('img'));
    cluster.controllers.podWaiting('etl-x-img', 'ImagePullBackOff', 'Back-off pulling image "registry.example/etl/extractor:1.2.3"');
    await eventually(() => expect(of('etl-x-img').at(-1)?.type).toBe('finished'));
    const finished = of('etl-x-img').at(-1) as Extract<RunObservation, { type: 'finished' }>;
    expect([finished.status, finished.reason]).toEqual(['failed', 'ImagePullBackOff: Back-off pulling image "registry.example/etl/extractor:1.2.3"']);
  });

  test('a Job deleted while running (Stop) ends as stopped', async () => {
    const handle = await runtime.runNow(manualRun('st'));
    await eventually(() => expect(of('etl-x-st')).toHaveLength(1));
    await runtime.stop(handle);
    await eventually(() => expect(of('etl-x-st')).toHaveLength(2));
    expect(of('etl-x-st')[1]).toMatchObject({ type: 'finished', status: 'stopped', executionId: 'st', reason: 'Job deleted before it finished; its pods are gone' });
  });

  test('stop: pods still there after the timeout are said on the run (finished stopped with the pod names), and the answer says not terminated', async () => {
    const handle = await runtime.runNow(manualRun('stuck'));
    await eventually(() => expect(of('etl-x-stuck')).toHaveLength(1));
    // A pod the garbage collector will not remove (as on a lost node): no owner reference.
    cluster.api.put('pods', { metadata: { name: 'etl-x-stuck-zzz', namespace: NAMESPACE, labels: { 'job-name': 'etl-x-stuck', 'app.kubernetes.io/managed-by': 'etl-monitor' } }, spec: {}, status: { phase: 'Running' } });
    const outcome = await runtime.stop(handle);
    expect(outcome).toEqual({ terminated: false, detail: 'pod(s) etl-x-stuck-zzz of Job etl-x-stuck still present 2 s after the Job was deleted' });
    await runtime.idle();
    const ends = of('etl-x-stuck').filter((o) => o.type === 'finished');
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({
      type: 'finished',
      handle,
      status: 'stopped',
      reason: 'Stop requested, but pod(s) etl-x-stuck-zzz of Job etl-x-stuck still present 2 s after the Job was deleted (kubectl get pods -l job-name=etl-x-stuck)',
    });
    // When the pod finally goes, the watch reports the end as well (the execution, no longer active, keeps the first story).
    cluster.api.remove('pods', NAMESPACE, 'etl-x-stuck-zzz');
    await eventually(() => expect(of('etl-x-stuck').filter((o) => o.type === 'finished').map((o) => (o.type === 'finished' ? o.reason : ''))).toEqual([
      expect.stringMatching(/^Stop requested, but pod/),
      'Job deleted before it finished; its pods are gone',
    ]));
  });

  test('dropped watches restart; 410 Gone triggers a re-list; nothing is reported twice', async () => {
    await runtime.runNow(manualRun('r1'));
    await eventually(() => expect(of('etl-x-r1')).toHaveLength(1));
    const before = structuredClone(runtime.watchStats);
    cluster.api.dropWatches();
    await eventually(() => expect(cluster.api.openWatches).toBe(3));
    cluster.api.sendBookmarks();
    cluster.controllers.finishJob('etl-x-r1', { outcome: 'Complete', terminationMessage: summary('succeeded', 1) });
    await eventually(() => expect(of('etl-x-r1')).toHaveLength(2));

    cluster.api.compact();
    cluster.api.dropWatches();
    await eventually(() => expect(runtime.watchStats.jobs.expired).toBe(before.jobs.expired + 1));
    await eventually(() => expect(cluster.api.openWatches).toBe(3));
    await runtime.idle();
    expect(runtime.watchStats.jobs.lists).toBe(before.jobs.lists + 1);
    expect(runtime.watchStats.pods.lists).toBe(before.pods.lists + 1);
    // The re-list delivered every Job and pod again: no observation may repeat.
    expect(of('etl-x-r1')).toHaveLength(2);
    expect(seen.filter((o) => o.type !== 'missed' && o.type !== 'due' && o.handle.name !== 'etl-x-r1')).toEqual([]);
    // And the new watch works.
    await runtime.runNow(manualRun('r2'));
    await eventually(() => expect(of('etl-x-r2')).toHaveLength(1));
  });

  test('readLogs returns the pod log, oldest first, from a line', async () => {
    const handle = await runtime.runNow(manualRun('log'));
    const pod = cluster.controllers.podsOf('etl-x-log')[0]!;
    cluster.api.setPodLog(NAMESPACE, pod.metadata.name, '{"message":"a"}\n{"message":"b"}\n{"message":"c"}\n');
    expect(await runtime.readLogs(handle)).toEqual(['{"message":"a"}', '{"message":"b"}', '{"message":"c"}']);
    expect(await runtime.readLogs(handle, { sinceLine: 2 })).toEqual(['{"message":"c"}']);
  });

  test('ping lists one CronJob', async () => {
    const mark = cluster.api.requests.length;
    await runtime.ping();
    expect(cluster.api.requests.slice(mark).map((r) => [r.verb, r.plural, r.query.limit])).toEqual([['list', 'cronjobs', '1']]);
  });
});

describe('idempotent event handling', () => {
  test('replaying the same Job and Pod events twice changes nothing', () => {
    const cache = new RunStateCache(() => new Date('2024-06-01T04:00:00Z'));
    const labels = { 'app.kubernetes.io/managed-by': 'etl-monitor', 'etl-monitor/schedule': 's1', 'etl-monitor/execution': 'e1' };
    const job = (status: V1Job['status']): V1Job => ({ metadata: { name: 'etl-x-e1', uid: 'u1', labels }, spec: { template: {} }, status });
    const pod = (state: object): V1Pod => ({
      metadata: { name: 'etl-x-e1-abc', labels: { ...labels, 'job-name': 'etl-x-e1' }, creationTimestamp: new Date('2024-06-01T03:00:00Z') },
      status: { containerStatuses: [{ name: 'extractor', image: 'x', imageID: '', ready: false, restartCount: 0, state }] },
    });
    const events: (() => RunObservation[])[] = [
      () => cache.upsertJob(job({ startTime: new Date('2024-06-01T03:00:00Z'), active: 1 })),
      () => cache.upsertPod(pod({ running: { startedAt: new Date('2024-06-01T03:00:00Z') } })),
      () => cache.upsertPod(pod({ terminated: { exitCode: 0, message: summary('succeeded', 5) } })),
      () => cache.upsertJob(job({ startTime: new Date('2024-06-01T03:00:00Z'), succeeded: 1, completionTime: new Date('2024-06-01T03:01:00Z'), conditions: [{ type: 'Complete', status: 'True' }] })),
    ];
    const first = events.flatMap((e) => e());
    expect(first.map((o) => (o.type === 'finished' ? `${o.type}:${o.status}:${o.summary?.rowsRead}` : o.type))).toEqual(['running', 'finished:succeeded:5']);
    expect(events.flatMap((e) => e())).toEqual([]);
    // A late "running" replay after the finish must not reopen the run.
    expect(events[0]!()).toEqual([]);
  });

  test('the Job\'s Complete condition arriving before the pod\'s termination message waits for it (rows are not lost)', () => {
    const cache = new RunStateCache(() => new Date('2024-06-01T04:00:00Z'));
    const labels = { 'app.kubernetes.io/managed-by': 'etl-monitor', 'etl-monitor/execution': 'e3' };
    const job: V1Job = { metadata: { name: 'etl-x-e3', uid: 'u3', labels }, spec: { template: {} }, status: { startTime: new Date('2024-06-01T03:00:00Z'), active: 1 } };
    const pod = (status: V1Pod['status']): V1Pod => ({ metadata: { name: 'etl-x-e3-abc', labels: { ...labels, 'job-name': 'etl-x-e3' } }, status });
    expect(cache.upsertJob(job).map((o) => o.type)).toEqual(['running']);
    expect(cache.upsertPod(pod({ phase: 'Running' }))).toEqual([]);
    const complete = { ...job, status: { ...job.status, active: 0, succeeded: 1, completionTime: new Date('2024-06-01T03:01:00Z'), conditions: [{ type: 'Complete', status: 'True' }] } };
    expect(cache.upsertJob(complete)).toEqual([]);
    const ended = cache.upsertPod(pod({ phase: 'Succeeded', containerStatuses: [{ name: 'extractor', image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, message: summary('succeeded', 7) } } }] }));
    expect(ended.map((o) => (o.type === 'finished' ? [o.status, o.summary?.rowsWritten, o.finishedAt.toISOString()] : o.type))).toEqual([['succeeded', 7, '2024-06-01T03:01:00.000Z']]);
    // A Failed Job whose running pod is deleted without a termination message is reported when the pod goes.
    const other: V1Job = { metadata: { name: 'etl-x-e4', uid: 'u4', labels }, spec: { template: {} }, status: { startTime: new Date('2024-06-01T03:00:00Z'), active: 1 } };
    const otherPod: V1Pod = { metadata: { name: 'etl-x-e4-abc', labels: { ...labels, 'job-name': 'etl-x-e4' } }, status: { phase: 'Running' } };
    cache.upsertJob(other);
    cache.upsertPod(otherPod);
    expect(cache.upsertJob({ ...other, status: { conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }] } })).toEqual([]);
    expect(cache.removePod(otherPod).map((o) => (o.type === 'finished' ? [o.status, o.reason] : o.type))).toEqual([['failed', 'DeadlineExceeded: Job was active longer than specified deadline']]);
  });

  test('a Job deleted while running ends when its last pod is gone, once, even when the pod list is replayed', () => {
    let now = new Date('2024-06-01T04:00:00Z');
    const cache = new RunStateCache(() => now);
    const labels = { 'app.kubernetes.io/managed-by': 'etl-monitor', 'etl-monitor/execution': 'e2' };
    const job: V1Job = { metadata: { name: 'etl-x-e2', uid: 'u2', labels }, spec: { template: {} }, status: { startTime: new Date('2024-06-01T03:00:00Z'), active: 1 } };
    const pod: V1Pod = { metadata: { name: 'etl-x-e2-abc', labels: { ...labels, 'job-name': 'etl-x-e2' } }, status: { phase: 'Running' } };
    expect(cache.upsertJob(job).map((o) => o.type)).toEqual(['running']);
    expect(cache.upsertPod(pod)).toEqual([]);
    // Background propagation: the Job goes first; its pod terminates during its grace period.
    expect(cache.removeJob(job)).toEqual([]);
    expect(cache.replacePods([pod])).toEqual([]);
    now = new Date('2024-06-01T04:00:30Z');
    const end = { type: 'finished', handle: { name: 'etl-x-e2', uid: 'u2' }, executionId: 'e2', status: 'stopped', reason: 'Job deleted before it finished; its pods are gone', finishedAt: now };
    expect(cache.removePod(pod)).toEqual([end]);
    expect(cache.removePod(pod)).toEqual([]);
    expect(cache.replacePods([])).toEqual([]);
  });
});

describe('runs whose Job vanished while nobody watched', () => {
  test('after the Job list, an active run whose Job is gone (404) is reported failed; a Job created after the list is left alone', async () => {
    const existing = await runtime.runNow(manualRun('va2'));
    const late = cluster.runtime();
    const reported: RunObservation[] = [];
    // A new runtime re-lists every Job and reports the finished ones again (consumers are idempotent): only the va* runs matter here.
    late.subscribe((o) => void (o.type === 'finished' && o.executionId?.startsWith('va') && reported.push(o)));
    late.useActiveRuns(async () => {
      // Run now on another replica, between this runtime's Job list and this query: the Job exists, the list does not show it.
      cluster.api.put('jobs', { metadata: { name: 'etl-x-va3', namespace: NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'etl-monitor', 'etl-monitor/execution': 'va3' } }, spec: { suspend: true, template: { metadata: {}, spec: {} } }, status: {} });
      return [
        { executionId: 'va1', name: 'etl-x-va1', uid: 'uid-va1' },
        { executionId: 'va2', name: existing.name, uid: existing.uid },
        { executionId: 'va3', name: 'etl-x-va3', uid: 'uid-va3' },
      ];
    });
    await late.start();
    await late.idle();
    expect(reported.map((o) => (o.type === 'finished' ? [o.executionId, o.handle, o.status, o.reason] : []))).toEqual([
      [
        'va1',
        { name: 'etl-x-va1', uid: 'uid-va1' },
        'failed',
        'Job etl-x-va1 no longer exists (deleted, or removed after ttlSecondsAfterFinished, while no control plane was watching): the outcome of this run is unknown',
      ],
    ]);
    await late.close();
    cluster.api.remove('jobs', NAMESPACE, 'etl-x-va3');
  });
});

