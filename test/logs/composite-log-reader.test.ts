import { expect, test } from '@jest/globals';
import { CompositeLogReader } from '../../services/api/src/adapters/logs/composite-log-reader.js';
import { createExecutionLogReader } from '../../services/api/src/adapters/logs/create-execution-log-reader.js';
import type { ExecutionLogQuery, ExecutionLogReader, LogReadResult } from '../../services/api/src/adapters/logs/log-reader.js';

const query: ExecutionLogQuery = { executionId: 'abc', window: { from: new Date('2026-03-01T10:00:00Z'), to: new Date('2026-03-01T11:00:00Z') } };
const podLines = ['{"severity":"INFO","message":"reading","time":"2026-03-01T10:00:01Z"}', '{"severity":"ERROR","message":"boom","time":"2026-03-01T10:00:02Z"}'];

/** An archive that records the queries it got and answers with one fixed line. */
function fakeArchive(): ExecutionLogReader & { queries: ExecutionLogQuery[] } {
  const queries: ExecutionLogQuery[] = [];
  return {
    queries,
    async read(q): Promise<LogReadResult> {
      queries.push(q);
      return { ok: true, source: 'cloud-logging', lines: [{ time: '2026-03-01T10:00:01.000Z', severity: 'INFO', message: 'from archive' }], nextPageToken: 'p2' };
    },
  };
}

test('while the pod exists its log is read (with the severity filter) and Cloud Logging is not asked', async () => {
  const archive = fakeArchive();
  const asked: string[] = [];
  const reader = new CompositeLogReader({
    liveSource: 'pod',
    live: async (id) => {
      asked.push(id);
      return podLines;
    },
    archive,
  });
  expect(await reader.read({ ...query, minSeverity: 'ERROR' })).toEqual({
    ok: true,
    source: 'pod',
    lines: [{ time: '2026-03-01T10:00:02Z', severity: 'ERROR', message: 'boom' }],
  });
  expect(asked).toEqual(['abc']);
  expect(archive.queries).toEqual([]);
});

test('once the pod is gone Cloud Logging answers, with the same query', async () => {
  const archive = fakeArchive();
  const reader = new CompositeLogReader({ liveSource: 'pod', live: async () => undefined, archive });
  const result = await reader.read(query);
  expect(result).toEqual({ ok: true, source: 'cloud-logging', lines: [{ time: '2026-03-01T10:00:01.000Z', severity: 'INFO', message: 'from archive' }], nextPageToken: 'p2' });
  expect(archive.queries).toEqual([query]);
});

test('a page token continues in Cloud Logging without asking the pod', async () => {
  const archive = fakeArchive();
  let podAsked = false;
  const reader = new CompositeLogReader({
    liveSource: 'pod',
    live: async () => {
      podAsked = true;
      return podLines;
    },
    archive,
  });
  await reader.read({ ...query, pageToken: 'p2' });
  expect(podAsked).toBe(false);
  expect(archive.queries[0]?.pageToken).toBe('p2');
});

test('a failing pod read falls back to Cloud Logging', async () => {
  const archive = fakeArchive();
  const reader = new CompositeLogReader({
    liveSource: 'pod',
    live: async () => {
      throw new Error('pods "etl-x-abc-1" not found');
    },
    archive,
  });
  expect((await reader.read(query)).ok).toBe(true);
  expect(archive.queries).toHaveLength(1);
});

test('pod gone and no Cloud Logging configured → not-configured with the settings to change', async () => {
  const reader = new CompositeLogReader({ liveSource: 'pod', live: async () => undefined });
  expect(await reader.read(query)).toEqual({
    ok: false,
    reason: 'not-configured',
    message: 'The pod of this execution is gone and Cloud Logging is not configured (set ETL_LOGS_BACKEND=cloud-logging and GOOGLE_CLOUD_PROJECT).',
  });
});

test('local mode without archive: a read error is reported, not hidden', async () => {
  const reader = new CompositeLogReader({
    liveSource: 'local',
    live: async () => {
      throw new Error('EACCES: permission denied, open .local/logs/abc.log\n    at stack');
    },
  });
  expect(await reader.read(query)).toEqual({ ok: false, reason: 'unavailable', message: 'Reading the local log failed: EACCES: permission denied, open .local/logs/abc.log' });
});

test('createExecutionLogReader: Kubernetes without Cloud Logging reads the pod and reports the missing backend once it is gone', async () => {
  const reader = createExecutionLogReader({ runtime: 'kubernetes', logsBackend: 'local', live: async (id) => (id === 'running' ? podLines : undefined) });
  const live = await reader.read({ ...query, executionId: 'running' });
  expect(live.ok && live.source).toBe('pod');
  const gone = await reader.read(query);
  expect(gone.ok === false && gone.reason).toBe('not-configured');
});

test('createExecutionLogReader: local runtime labels lines as local output', async () => {
  const reader = createExecutionLogReader({ runtime: 'local', logsBackend: 'local', live: async () => ['plain line'] });
  expect(await reader.read(query)).toEqual({ ok: true, source: 'local', lines: [{ time: '', severity: 'INFO', message: 'plain line' }] });
});
