import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createKubernetesControlPlaneRuntime, runtimeLoggerFrom } from '../../services/api/src/adapters/runtime/kubernetes/index.js';
import { createLogger } from '../../services/api/src/adapters/logs/logger.js';
import type { ScheduleDeployment } from '../../services/api/src/domain/runtime/runtime.js';
import { NAMESPACE, eventually, schedule, startFakeCluster, type FakeCluster } from './support.js';

let cluster: FakeCluster;
beforeAll(async () => {
  cluster = await startFakeCluster();
});
afterAll(async () => {
  await cluster.close();
});

describe('several replicas: only the Lease holder watches and reconciles', () => {
  test('follower reconcile writes nothing; when the leader leaves, the other replica takes over and reconciles from the database', async () => {
    let database: ScheduleDeployment[] = [schedule('g1')];
    const replica = (podName: string) => {
      const { runtime, secrets } = createKubernetesControlPlaneRuntime(
        { namespace: NAMESPACE, extractorImage: 'registry.example/etl/extractor:1.2.3', podName, leaderLease: 'etl-leader-test' },
        { kubeConfig: cluster.kubeConfig, retryPeriodMs: 20, leaseDurationSeconds: 15, logger: { warn: () => undefined } },
      );
      runtime.useScheduleSource(async () => database);
      return { runtime, secrets };
    };
    const a = replica('api-a');
    const b = replica('api-b');
    await a.runtime.start();
    await b.runtime.start();
    expect([a.runtime.isLeader, b.runtime.isLeader]).toEqual([true, false]);
    expect(cluster.api.list('cronjobs', NAMESPACE).map((c) => c.metadata.name)).toEqual(['etl-s-g1']);
    await eventually(() => expect(cluster.api.openWatches).toBe(3)); // the leader's jobs, pods, cronjobs

    const mark = cluster.api.requests.length;
    expect(await b.runtime.reconcile([])).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 0 });
    expect(cluster.api.writesSince(mark).filter((w) => w.plural !== 'leases')).toEqual([]);

    // Any replica serves writes: a schedule created through replica b's HTTP API.
    database = [schedule('g1'), schedule('g2')];
    await b.runtime.apply(schedule('g2'));
    expect(cluster.api.get('cronjobs', NAMESPACE, 'etl-s-g2')).toBeDefined();

    database = [schedule('g2')]; // g1 deleted while the leader was going away
    await a.runtime.close();
    await eventually(() => expect(b.runtime.isLeader).toBe(true));
    await eventually(() => expect(cluster.api.list('cronjobs', NAMESPACE).map((c) => c.metadata.name)).toEqual(['etl-s-g2']));
    await eventually(() => expect(cluster.api.openWatches).toBe(3));
    const lease = cluster.api.get('leases', NAMESPACE, 'etl-leader-test')!;
    expect([lease.spec.holderIdentity, lease.spec.leaseTransitions]).toEqual(['api-b', 1]);
    await b.runtime.close();
    await eventually(() => expect(cluster.api.openWatches).toBe(0));
  });
});

describe('the runtime logs through the control plane logger', () => {
  test('structured logger: severity WARNING with the fields, secrets still redacted; console-like: message + JSON fields', () => {
    const lines: string[] = [];
    const structured = createLogger({ write: (line) => void lines.push(line), now: () => new Date('2024-06-01T00:00:00Z'), secrets: ['hunter2-secret'] });
    runtimeLoggerFrom(structured).warn('kubernetes watch problem; retrying', { error: 'connect ECONNREFUSED (token hunter2-secret)' });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).map((e) => [e.severity, e.message, e.error])).toEqual([
      ['WARNING', 'kubernetes watch problem; retrying', 'connect ECONNREFUSED (token [REDACTED])'],
    ]);
    const plain: string[] = [];
    const consoleLike = { info: (m: string) => void plain.push(`I ${m}`), error: (m: string) => void plain.push(`E ${m}`) };
    runtimeLoggerFrom(consoleLike).warn('w', { a: 1 });
    runtimeLoggerFrom(consoleLike).info!('i');
    expect(plain).toEqual(['E kubernetes runtime: w {"a":1}', 'I kubernetes runtime: i']);
  });
});
