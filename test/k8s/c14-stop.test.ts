import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { BatchV1Api, CoreV1Api, Watch, type V1Job } from '@kubernetes/client-node';
import { KubernetesRuntime } from '../../services/api/src/adapters/runtime/kubernetes/kubernetes-runtime.js';
import { NAMESPACE, manualRun, schedule, startFakeCluster, testSettings, type FakeCluster } from './support.js';

let cluster: FakeCluster;
beforeAll(async () => {
  cluster = await startFakeCluster();
});
afterAll(async () => {
  await cluster.close();
});

describe('C14: stop deletes the Job with Background propagation; client-node 1.x call shapes', () => {
  test('C14: mocked BatchV1Api sees createNamespacedJob({namespace, body}) and deleteNamespacedJob({name, namespace, propagationPolicy, body}); the V1Job is used directly', async () => {
    const created: V1Job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'etl-x-e1', uid: 'uid-123' } };
    const batch = {
      createNamespacedJob: jest.fn(async (_param: unknown) => created),
      deleteNamespacedJob: jest.fn(async (_param: unknown) => ({ kind: 'Status', status: 'Success' })),
    };
    const core = { listNamespacedPod: jest.fn(async (_param: unknown) => ({ items: [] })) };
    const runtime = new KubernetesRuntime({
      settings: testSettings(),
      clients: { batch: batch as unknown as BatchV1Api, core: core as unknown as CoreV1Api, watch: {} as Watch },
      logger: { warn: () => undefined },
    });

    const handle = await runtime.runNow(manualRun('e1'));
    expect(handle).toEqual({ name: 'etl-x-e1', uid: 'uid-123' });
    expect(batch.createNamespacedJob).toHaveBeenCalledTimes(1);
    const createParam = batch.createNamespacedJob.mock.calls[0]![0] as { namespace: string; body: V1Job };
    expect(Object.keys(createParam).sort()).toEqual(['body', 'namespace']);
    expect(createParam.namespace).toBe(NAMESPACE);
    expect(createParam.body.metadata!.name).toBe('etl-x-e1');

    expect(await runtime.stop(handle)).toEqual({ terminated: true });
    expect(batch.deleteNamespacedJob.mock.calls).toEqual([
      [{ name: 'etl-x-e1', namespace: NAMESPACE, propagationPolicy: 'Background', body: { propagationPolicy: 'Background' } }],
    ]);
    expect(core.listNamespacedPod.mock.calls).toEqual([[{ namespace: NAMESPACE, labelSelector: 'job-name=etl-x-e1' }]]);
  });

  test('C14: the HTTP DELETE carries propagationPolicy=Background in query and body, and the pods are gone', async () => {
    const runtime = cluster.runtime();
    const handle = await runtime.runNow(manualRun('e2'));
    expect(cluster.controllers.podsOf('etl-x-e2')).toHaveLength(1);
    const mark = cluster.api.requests.length;

    expect(await runtime.stop(handle)).toEqual({ terminated: true });

    const del = cluster.api.requests.slice(mark).find((r) => r.verb === 'delete')!;
    expect(del.path).toBe(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs/etl-x-e2`);
    expect(del.query.propagationPolicy).toBe('Background');
    expect(del.body).toEqual({ propagationPolicy: 'Background' });
    expect(cluster.api.list('pods', NAMESPACE, 'job-name=etl-x-e2')).toEqual([]);
  });

  test('C14: the trap itself — a delete without propagationPolicy leaves the pod running', async () => {
    const runtime = cluster.runtime();
    await runtime.runNow(manualRun('e3'));
    await cluster.batch.deleteNamespacedJob({ name: 'etl-x-e3', namespace: NAMESPACE });
    expect(cluster.api.list('pods', NAMESPACE, 'job-name=etl-x-e3').map((p) => p.status.phase)).toEqual(['Running']);
  });

  test('C14: pods that outlive the timeout are reported, not hidden', async () => {
    const runtime = cluster.runtime({ settings: testSettings({ stopTimeoutMs: 100 }) });
    // A pod of the Job that the garbage collector will not remove (no owner reference).
    cluster.api.put('pods', { metadata: { name: 'etl-x-e4-stuck', namespace: NAMESPACE, labels: { 'job-name': 'etl-x-e4' } }, spec: {}, status: { phase: 'Running' } });
    expect(await runtime.stop({ name: 'etl-x-e4', uid: 'gone' })).toEqual({
      terminated: false,
      detail: 'pod(s) etl-x-e4-stuck of Job etl-x-e4 still present 0.1 s after the Job was deleted',
    });
  });

  test('C14: deleting a schedule removes its CronJob, its 3 finished Jobs and their pods', async () => {
    const runtime = cluster.runtime();
    await runtime.apply(schedule('del', { cron: '*/5 * * * *', timeZone: 'UTC' }));
    for (const minute of [0, 5, 10]) {
      // These CronJob Jobs start suspended (no admission wired here): unsuspend as an admitted run would be.
      const job = cluster.controllers.fireCronJob('etl-s-del', new Date(Date.UTC(2024, 5, 1, 3, minute)));
      cluster.api.update('jobs', NAMESPACE, job.metadata.name, (j) => (j.spec.suspend = false));
      cluster.controllers.finishJob(job.metadata.name, { outcome: 'Complete' });
    }
    expect(cluster.api.list('jobs', NAMESPACE, 'etl-monitor/schedule=del')).toHaveLength(3);
    expect(cluster.api.list('pods', NAMESPACE, 'etl-monitor/schedule=del')).toHaveLength(3);
    await runtime.remove('del');
    expect(cluster.api.list('cronjobs', NAMESPACE, 'etl-monitor/schedule=del')).toEqual([]);
    expect(cluster.api.list('jobs', NAMESPACE, 'etl-monitor/schedule=del')).toEqual([]);
    expect(cluster.api.list('pods', NAMESPACE, 'etl-monitor/schedule=del')).toEqual([]);
  });
});
