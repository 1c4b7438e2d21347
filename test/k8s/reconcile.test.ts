import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { schedule, startFakeCluster, NAMESPACE, type FakeCluster } from './support.js';

let cluster: FakeCluster;
beforeAll(async () => {
  cluster = await startFakeCluster();
});
afterAll(async () => {
  await cluster.close();
});

describe('reconcile', () => {
  test('creates missing, then an unchanged set causes no write, an edit exactly one, a removal one delete', async () => {
    const runtime = cluster.runtime();
    const { api } = cluster;
    // Someone else's CronJob in the same namespace: never touched.
    api.put('cronjobs', { metadata: { name: 'backup', namespace: NAMESPACE, labels: { app: 'backup' } }, spec: { schedule: '0 1 * * *' } });
    const schedules = [schedule('a'), schedule('b'), schedule('c', { active: false })];

    let mark = api.requests.length;
    expect(await runtime.reconcile(schedules)).toEqual({ created: 3, updated: 0, deleted: 0, unchanged: 0, failed: [] });
    expect(api.writesSince(mark).map((r) => `${r.verb} ${r.body.metadata.name}`).sort()).toEqual(['create etl-s-a', 'create etl-s-b', 'create etl-s-c']);
    expect(api.get('cronjobs', NAMESPACE, 'etl-s-c')!.spec.suspend).toBe(true);

    mark = api.requests.length;
    expect(await runtime.reconcile(schedules)).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 3, failed: [] });
    expect(api.requests.slice(mark).map((r) => `${r.verb} ${r.plural} ${r.query.labelSelector}`)).toEqual(['list cronjobs app.kubernetes.io/managed-by=etl-monitor']);

    mark = api.requests.length;
    const edited = [schedule('a'), schedule('b', { cron: '30 4 * * 1-5' }), schedule('c', { active: false })];
    expect(await runtime.reconcile(edited)).toEqual({ created: 0, updated: 1, deleted: 0, unchanged: 2, failed: [] });
    const writes = api.writesSince(mark);
    expect(writes.map((w) => [w.verb, w.path, w.contentType, w.query.fieldManager, w.query.force])).toEqual([
      ['patch', `/apis/batch/v1/namespaces/${NAMESPACE}/cronjobs/etl-s-b`, 'application/apply-patch+yaml', 'etl-monitor', 'true'],
    ]);
    expect(api.get('cronjobs', NAMESPACE, 'etl-s-b')!.spec.schedule).toBe('30 4 * * 1-5');

    mark = api.requests.length;
    expect(await runtime.reconcile([schedule('a'), schedule('b', { cron: '30 4 * * 1-5' })])).toEqual({ created: 0, updated: 0, deleted: 1, unchanged: 2, failed: [] });
    expect(api.writesSince(mark).map((w) => [w.verb, w.path, w.query.propagationPolicy, w.body.propagationPolicy])).toEqual([
      ['delete', `/apis/batch/v1/namespaces/${NAMESPACE}/cronjobs/etl-s-c`, 'Background', 'Background'],
    ]);
    expect(api.get('cronjobs', NAMESPACE, 'backup')).toBeDefined();
  });

  test('invalid schedules and unlabelled name clashes are reported, the rest still applied', async () => {
    const runtime = cluster.runtime();
    cluster.api.put('cronjobs', { metadata: { name: 'etl-s-clash', namespace: NAMESPACE }, spec: { schedule: '0 1 * * *' } });
    const report = await runtime.reconcile([schedule('a'), schedule('b', { cron: '30 4 * * 1-5' }), schedule('bad', { timeZone: 'Mars/Olympus' }), schedule('clash')]);
    expect(report.created).toBe(0);
    expect(report.unchanged).toBe(2);
    expect(report.failed!.map((f) => f.scheduleId).sort()).toEqual(['bad', 'clash']);
    expect(report.failed!.find((f) => f.scheduleId === 'clash')!.error).toMatch(/^create CronJob etl-s-clash: 409 AlreadyExists: cronjobs "etl-s-clash" already exists/);
    expect(report.failed!.find((f) => f.scheduleId === 'bad')!.error).toMatch(/"Mars\/Olympus" is not an IANA time zone/);
    // Deleting "a" and "b" from the desired set must not touch the unlabelled clash object.
    await runtime.reconcile([]);
    expect(cluster.api.get('cronjobs', NAMESPACE, 'etl-s-clash')).toBeDefined();
    expect(cluster.api.list('cronjobs', NAMESPACE, 'app.kubernetes.io/managed-by=etl-monitor')).toEqual([]);
  });

  test('apply creates, is a no-op when unchanged, patches on change; remove refuses foreign objects', async () => {
    const runtime = cluster.runtime();
    const { api } = cluster;
    let mark = api.requests.length;
    await runtime.apply(schedule('p'));
    await runtime.apply(schedule('p'));
    expect(api.writesSince(mark).map((w) => w.verb)).toEqual(['create']);
    mark = api.requests.length;
    await runtime.apply(schedule('p', { active: false }));
    expect(api.writesSince(mark).map((w) => w.verb)).toEqual(['patch']);
    expect(api.get('cronjobs', NAMESPACE, 'etl-s-p')!.spec.suspend).toBe(true);
    await runtime.remove('p');
    expect(api.get('cronjobs', NAMESPACE, 'etl-s-p')).toBeUndefined();
    await runtime.remove('p'); // already gone: fine
    await expect(runtime.remove('clash')).rejects.toThrow('CronJob etl-s-clash exists but is not managed by etl-monitor');
  });
});
