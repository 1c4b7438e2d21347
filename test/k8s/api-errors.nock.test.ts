import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type AddressInfo } from 'node:net';
import nock from 'nock';
import { BatchV1Api, CoreV1Api, Watch } from '@kubernetes/client-node';
import { KubernetesRuntime } from '../../services/api/src/adapters/runtime/kubernetes/kubernetes-runtime.js';
import { KubernetesApiError } from '../../services/api/src/adapters/runtime/kubernetes/api-errors.js';
import { NAMESPACE, kubeConfigFor, manualRun, schedule, testSettings } from './support.js';

const SERVER = 'https://k8s.test:6443';
const forbidden = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: `jobs.batch is forbidden: User "system:serviceaccount:etl:etl-monitor" cannot create resource "jobs" in API group "batch" in the namespace "${NAMESPACE}"`,
  reason: 'Forbidden',
  code: 403,
};

function runtime(server = SERVER): KubernetesRuntime {
  const kc = kubeConfigFor(server);
  return new KubernetesRuntime({
    settings: testSettings(),
    clients: { batch: kc.makeApiClient(BatchV1Api), core: kc.makeApiClient(CoreV1Api), watch: new Watch(kc) },
    logger: { warn: () => undefined },
  });
}

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

describe('Kubernetes API error paths (nock)', () => {
  test('403 Forbidden on create Job names the operation, the server message and the RBAC hint', async () => {
    nock(SERVER).post(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs`).matchHeader('authorization', 'Bearer test-token').reply(403, forbidden);
    const error = (await runtime().runNow(manualRun('e1')).catch((e: unknown) => e)) as KubernetesApiError;
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect([error.status, error.reason]).toEqual([403, 'Forbidden']);
    expect(error.message).toBe(`create Job etl-x-e1: 403 Forbidden: ${forbidden.message} — check the control plane Role (README "kubernetes" section, RBAC)`);
  });

  test('500 on the reconcile list aborts the reconcile before any write', async () => {
    const scope = nock(SERVER)
      .get(`/apis/batch/v1/namespaces/${NAMESPACE}/cronjobs`)
      .query({ labelSelector: 'app.kubernetes.io/managed-by=etl-monitor' })
      .reply(500, { kind: 'Status', status: 'Failure', reason: 'InternalError', message: 'etcdserver: request timed out', code: 500 });
    await expect(runtime().reconcile([schedule('a', { cron: '0 * * * *', timeZone: 'UTC' })])).rejects.toThrow('list CronJobs in etl-jobs: 500 InternalError: etcdserver: request timed out');
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test('a network reset is reported as "cannot reach the Kubernetes API"', async () => {
    // A real connection reset (nock's replyWithError raced the client's socket handling under load):
    // a local server that accepts the TCP connection and resets it before TLS completes.
    const server = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    nock.enableNetConnect('127.0.0.1');
    try {
      const { port } = server.address() as AddressInfo;
      const error = (await runtime(`https://127.0.0.1:${port}`).ping().catch((e: unknown) => e)) as KubernetesApiError;
      expect(error.status).toBeUndefined();
      expect(error.message).toBe('list CronJobs in etl-jobs: cannot reach the Kubernetes API (ECONNRESET)');
    } finally {
      nock.disableNetConnect();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('stop: a 404 on delete (already gone) still confirms the pods are gone', async () => {
    nock(SERVER)
      .delete(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs/etl-x-e9`, { propagationPolicy: 'Background' })
      .query({ propagationPolicy: 'Background' })
      .reply(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', message: 'jobs.batch "etl-x-e9" not found', code: 404 });
    nock(SERVER).get(`/api/v1/namespaces/${NAMESPACE}/pods`).query({ labelSelector: 'job-name=etl-x-e9' }).reply(200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] });
    expect(await runtime().stop({ name: 'etl-x-e9', uid: 'u' })).toEqual({ terminated: true });
    expect(nock.pendingMocks()).toEqual([]);
  });

  test('stop: 403 on delete is an error, not a silent success', async () => {
    nock(SERVER).delete(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs/etl-x-e8`).query(true).reply(403, { ...forbidden, message: 'jobs.batch "etl-x-e8" is forbidden' });
    await expect(runtime().stop({ name: 'etl-x-e8', uid: 'u' })).rejects.toThrow('delete Job etl-x-e8: 403 Forbidden: jobs.batch "etl-x-e8" is forbidden');
  });
});
