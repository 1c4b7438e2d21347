import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { LeaderElector } from '../../services/api/src/adapters/runtime/kubernetes/leader-election.js';
import { ManualClock, NAMESPACE, startFakeCluster, type FakeCluster } from './support.js';

let cluster: FakeCluster;
beforeAll(async () => {
  cluster = await startFakeCluster();
});
afterAll(async () => {
  await cluster.close();
});

function elector(identity: string, clock: ManualClock, log: string[]): LeaderElector {
  return new LeaderElector({
    coordination: cluster.coordination,
    namespace: NAMESPACE,
    leaseName: 'etl-monitor-leader',
    identity,
    leaseDurationSeconds: 15,
    clock,
    onStartedLeading: () => void log.push(`${identity} leads`),
    onStoppedLeading: () => void log.push(`${identity} stops`),
  });
}

describe('leader election over a coordination.k8s.io/v1 Lease', () => {
  test('one leader; leadership moves only after the holder stops renewing for the lease duration', async () => {
    const clock = new ManualClock(new Date('2024-06-01T10:00:00Z'));
    const log: string[] = [];
    const a = elector('api-a', clock, log);
    const b = elector('api-b', clock, log);

    expect(await a.step()).toBe(true);
    expect(await b.step()).toBe(false);
    let lease = cluster.api.get('leases', NAMESPACE, 'etl-monitor-leader')!;
    expect([lease.spec.holderIdentity, lease.spec.leaseDurationSeconds, lease.spec.leaseTransitions]).toEqual(['api-a', 15, 0]);

    clock.advance(10_000);
    expect(await a.step()).toBe(true); // renew
    clock.advance(10_000);
    expect(await b.step()).toBe(false); // renewed 10 s ago: still valid

    // api-a dies (no more renewals). 15 s after its last renewal api-b takes over.
    clock.advance(4_999);
    expect(await b.step()).toBe(false);
    clock.advance(1);
    expect(await b.step()).toBe(true);
    lease = cluster.api.get('leases', NAMESPACE, 'etl-monitor-leader')!;
    expect([lease.spec.holderIdentity, lease.spec.leaseTransitions]).toEqual(['api-b', 1]);

    // api-a comes back: it sees another holder and steps down.
    expect(await a.step()).toBe(false);
    expect(log).toEqual(['api-a leads', 'api-b leads', 'api-a stops']);
  });

  test('two replicas racing for an expired Lease: exactly one wins (resourceVersion conflict)', async () => {
    const clock = new ManualClock(new Date('2024-06-02T10:00:00Z'));
    const log: string[] = [];
    const results = await Promise.all(['api-c', 'api-d', 'api-e'].map((id) => elector(id, clock, log).step()));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(log).toHaveLength(1);
  });

  test('a leader that stops releases the Lease so a successor does not wait', async () => {
    const clock = new ManualClock(new Date('2024-06-03T10:00:00Z'));
    const log: string[] = [];
    cluster.api.remove('leases', NAMESPACE, 'etl-monitor-leader');
    const f = elector('api-f', clock, log);
    const g = elector('api-g', clock, log);
    expect(await f.step()).toBe(true);
    await f.stop();
    expect(await g.step()).toBe(true);
    expect(log).toEqual(['api-f leads', 'api-f stops', 'api-g leads']);
  });

  test('API errors make a replica stop acting as leader', async () => {
    const clock = new ManualClock(new Date('2024-06-04T10:00:00Z'));
    const log: string[] = [];
    cluster.api.remove('leases', NAMESPACE, 'etl-monitor-leader');
    const h = elector('api-h', clock, log);
    expect(await h.step()).toBe(true);
    cluster.api.interceptor = (r) => (r.plural === 'leases' ? { code: 500, reason: 'InternalError', message: 'etcd timeout' } : undefined);
    expect(await h.step()).toBe(false);
    cluster.api.interceptor = undefined;
    expect(log).toEqual(['api-h leads', 'api-h stops']);
  });
});
