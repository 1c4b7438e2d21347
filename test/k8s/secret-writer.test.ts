import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SecretWriter } from '../../services/api/src/adapters/runtime/kubernetes/secret-writer.js';
import { NAMESPACE, startFakeCluster, type FakeCluster } from './support.js';

let cluster: FakeCluster;
beforeAll(async () => {
  cluster = await startFakeCluster();
});
afterAll(async () => {
  await cluster.close();
});

describe('source password Secrets', () => {
  test('server-side apply of etl-source-<id> with key password; only create/patch/delete verbs are used', async () => {
    const writer = new SecretWriter(cluster.core, NAMESPACE);
    const mark = cluster.api.requests.length;
    expect(await writer.writeSourcePassword('src1', 's3cr3t-é')).toEqual({ env: 'ETL_SOURCE_PASSWORD', name: 'etl-source-src1', key: 'password' });
    await writer.writeSourcePassword('src1', 'rotated');
    const secret = cluster.api.get('secrets', NAMESPACE, 'etl-source-src1')!;
    expect(Buffer.from(secret.data.password, 'base64').toString('utf8')).toBe('rotated');
    expect(secret.metadata.labels!['app.kubernetes.io/managed-by']).toBe('etl-monitor');
    await writer.deleteSourcePassword('src1');
    await writer.deleteSourcePassword('src1'); // already gone: fine
    expect(cluster.api.get('secrets', NAMESPACE, 'etl-source-src1')).toBeUndefined();
    const calls = cluster.api.requests.slice(mark);
    expect(calls.map((r) => [r.verb, r.contentType ?? null, r.query.fieldManager ?? null])).toEqual([
      ['patch', 'application/apply-patch+yaml', 'etl-monitor'],
      ['patch', 'application/apply-patch+yaml', 'etl-monitor'],
      ['delete', 'application/json', null],
      ['delete', 'application/json', null],
    ]);
  });

  test('an API error never echoes the password', async () => {
    cluster.api.interceptor = (r) => (r.plural === 'secrets' ? { code: 403, reason: 'Forbidden', message: 'secrets "etl-source-src2" is forbidden: pw=hunter2-leak' } : undefined);
    const writer = new SecretWriter(cluster.core, NAMESPACE);
    const error = await writer.writeSourcePassword('src2', 'hunter2').catch((e: Error) => e);
    cluster.api.interceptor = undefined;
    expect((error as Error).message).toBe('apply Secret etl-source-src2: 403 Forbidden');
    expect((error as Error).cause).toBeUndefined();
  });
});
