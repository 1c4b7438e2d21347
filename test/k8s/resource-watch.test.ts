import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Watch, type V1Job } from '@kubernetes/client-node';
import { ResourceWatch } from '../../services/api/src/adapters/runtime/kubernetes/resource-watch.js';
import { NAMESPACE, eventually, startFakeCluster, type FakeCluster } from './support.js';

let cluster: FakeCluster;
beforeAll(async () => {
  cluster = await startFakeCluster();
  cluster.controllers.autoStartPods = false; // plain Jobs here, no controller
});
afterAll(async () => {
  await cluster.close();
});

const job = (name: string) => ({ metadata: { name, namespace: NAMESPACE, labels: { team: 'etl' } }, spec: { template: {} } });

describe('ResourceWatch', () => {
  test('500 on watch is retried with backoff; events after recovery arrive once, in order; label selector applies', async () => {
    let failures = 2;
    cluster.api.interceptor = (r) => (r.verb === 'watch' && failures-- > 0 ? { code: 500, reason: 'InternalError', message: 'boom' } : undefined);
    const events: string[] = [];
    const errors: string[] = [];
    const watch = new ResourceWatch<V1Job>(new Watch(cluster.kubeConfig), {
      path: `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`,
      labelSelector: 'team=etl',
      list: () => cluster.batch.listNamespacedJob({ namespace: NAMESPACE, labelSelector: 'team=etl' }),
      onSync: (items) => void events.push(`sync:${items.map((i) => i.metadata!.name).join(',')}`),
      onEvent: (type, object) => void events.push(`${type}:${object.metadata!.name}`),
      onError: (error) => void errors.push(String((error as Error).message)),
      retryDelayMs: 10,
    });
    cluster.api.put('jobs', job('before'));
    await watch.start();
    await eventually(() => expect(cluster.api.openWatches).toBe(1));
    cluster.api.put('jobs', job('after'));
    cluster.api.put('jobs', { metadata: { name: 'foreign', namespace: NAMESPACE }, spec: { template: {} } });
    cluster.api.remove('jobs', NAMESPACE, 'before');
    await eventually(() => expect(events).toEqual(['sync:before', 'ADDED:after', 'DELETED:before']));
    expect(watch.stats).toEqual({ lists: 1, watches: 3, expired: 0 });
    expect(errors).toEqual(['Internal Server Error', 'Internal Server Error']);
    cluster.api.interceptor = undefined;

    // History compacted while the watch was down: 410 Gone -> a fresh list brings the truth.
    cluster.api.dropWatches();
    cluster.api.compact();
    await eventually(() => expect(watch.stats.expired).toBe(1));
    await eventually(() => expect(events.at(-1)).toBe('sync:after'));
    await watch.stop();
    await eventually(() => expect(cluster.api.openWatches).toBe(0));
  });
});
