import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import { OAuth2Client } from 'google-auth-library';
import { CloudLoggingLogReader } from '../../services/api/src/adapters/logs/cloud-logging-reader.js';
import { createExecutionLogReader } from '../../services/api/src/adapters/logs/create-execution-log-reader.js';
import { executionLogWindow } from '../../services/api/src/adapters/logs/log-reader.js';

const API = 'https://logging.googleapis.com';
const LIST_PATH = '/v2/entries:list';
const window = { from: new Date('2026-03-01T10:00:00.000Z'), to: new Date('2026-03-01T11:00:00.000Z') };

/** No key, no token endpoint: a client with a preset access token (toolchain notes §5 (b)). */
function testAuthClient(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: 'test-token', expiry_date: Date.now() + 3_600_000 });
  return client;
}

function reader(namespace?: string, timeoutMs = 5000): CloudLoggingLogReader {
  return new CloudLoggingLogReader({ projectId: 'proj-1', authClient: testAuthClient(), timeoutMs, ...(namespace ? { namespace } : {}) });
}

/** Intercepts one entries.list call, records its JSON body and Authorization header. */
function interceptList(status: number, reply: unknown): { body?: Record<string, unknown>; authorization?: string } {
  const seen: { body?: Record<string, unknown>; authorization?: string } = {};
  nock(API)
    .post(LIST_PATH)
    .query(true)
    .reply(function (_uri, requestBody) {
      seen.body = requestBody as Record<string, unknown>;
      seen.authorization = String(this.req.headers.authorization);
      return [status, reply as nock.Body];
    });
  return seen;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('CloudLoggingLogReader request', () => {
  test('sends the execution label, container resource, both timestamp bounds, severity and ascending order', async () => {
    const seen = interceptList(200, { entries: [] });
    const result = await reader().read({ executionId: 'x-20260301-1', window, minSeverity: 'WARNING', pageSize: 50 });
    expect(result).toEqual({ ok: true, source: 'cloud-logging', lines: [] });
    expect(seen.authorization).toBe('Bearer test-token');
    expect(seen.body).toEqual({
      resourceNames: ['projects/proj-1'],
      filter:
        'resource.type="k8s_container" AND labels.etl_monitor_execution="x-20260301-1" AND ' +
        'timestamp>="2026-03-01T10:00:00.000Z" AND timestamp<="2026-03-01T11:00:00.000Z" AND severity>=WARNING',
      orderBy: 'timestamp asc',
      pageSize: 50,
    });
  });

  test('without a severity no severity clause; the namespace narrows the resource; no 24 h clause is added', async () => {
    const seen = interceptList(200, {});
    await reader('etl-jobs').read({ executionId: 'abc', window });
    expect(seen.body?.filter).toBe(
      'resource.type="k8s_container" AND resource.labels.namespace_name="etl-jobs" AND labels.etl_monitor_execution="abc" AND ' +
        'timestamp>="2026-03-01T10:00:00.000Z" AND timestamp<="2026-03-01T11:00:00.000Z"',
    );
    expect(seen.body?.pageSize).toBe(500);
  });

  test('a quote in the id cannot break out of the filter string', async () => {
    const seen = interceptList(200, {});
    await reader().read({ executionId: 'a" OR "1"="1', window });
    expect(String(seen.body?.filter)).toContain('labels.etl_monitor_execution="a\\" OR \\"1\\"=\\"1" AND');
  });

  test('page size is capped at the API maximum of 1000', async () => {
    const seen = interceptList(200, {});
    await reader().read({ executionId: 'abc', window, pageSize: 5000 });
    expect(seen.body?.pageSize).toBe(1000);
  });
});

describe('CloudLoggingLogReader mapping and pagination', () => {
  test('maps jsonPayload and textPayload entries to LogLines and returns the next page token', async () => {
    interceptList(200, {
      entries: [
        {
          timestamp: '2026-03-01T10:00:01.250Z',
          severity: 'WARNING',
          jsonPayload: { message: 'slow source: 12 s for the first row', rowsRead: 0, phase: 'read' },
          labels: { etl_monitor_execution: 'abc' },
          resource: { type: 'k8s_container', labels: { namespace_name: 'etl-jobs' } },
        },
        { timestamp: '2026-03-01T10:00:02Z', textPayload: 'node: warning on stderr' },
        // The REST transport asks for `enum-encoding=int`: severities arrive as LogSeverity numbers.
        { timestamp: '2026-03-01T10:00:03Z', severity: 700, jsonPayload: { message: 'out of memory' } },
        { timestamp: '2026-03-01T10:00:04Z', severity: 500, jsonPayload: { message: 'load failed' } },
      ],
      nextPageToken: 'page-2',
    });
    const result = await reader().read({ executionId: 'abc', window });
    expect(result).toEqual({
      ok: true,
      source: 'cloud-logging',
      lines: [
        { time: '2026-03-01T10:00:01.250Z', severity: 'WARNING', message: 'slow source: 12 s for the first row', fields: { rowsRead: 0, phase: 'read' } },
        { time: '2026-03-01T10:00:02.000Z', severity: 'INFO', message: 'node: warning on stderr' },
        { time: '2026-03-01T10:00:03.000Z', severity: 'CRITICAL', message: 'out of memory' },
        { time: '2026-03-01T10:00:04.000Z', severity: 'ERROR', message: 'load failed' },
      ],
      nextPageToken: 'page-2',
    });
  });

  test('passes the page token back and reports the last page without a token', async () => {
    const seen = interceptList(200, { entries: [{ timestamp: '2026-03-01T10:30:00Z', severity: 'INFO', jsonPayload: { message: 'done' } }] });
    const result = await reader().read({ executionId: 'abc', window, pageToken: 'page-2' });
    expect(seen.body?.pageToken).toBe('page-2');
    expect(result).toEqual({ ok: true, source: 'cloud-logging', lines: [{ time: '2026-03-01T10:30:00.000Z', severity: 'INFO', message: 'done' }] });
  });
});

describe('CloudLoggingLogReader failures are results, not exceptions', () => {
  test.each([
    {
      status: 403,
      error: { code: 403, message: 'Permission denied for all log views', status: 'PERMISSION_DENIED' },
      reason: 'permission-denied',
      message: "Cloud Logging refused to list entries in project proj-1: the control plane's service account lacks roles/logging.viewer.",
    },
    {
      status: 503,
      error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' },
      reason: 'unavailable',
      message: 'Cloud Logging is unavailable or did not answer in time (The service is currently unavailable.); try again shortly.',
    },
    {
      status: 401,
      error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' },
      reason: 'unauthenticated',
      message: "Cloud Logging rejected the control plane's credentials: check its Workload Identity binding (or Application Default Credentials).",
    },
    {
      status: 400,
      error: { code: 400, message: 'Unparseable filter: syntax error at line 1', status: 'INVALID_ARGUMENT' },
      reason: 'invalid-request',
      message: 'Cloud Logging rejected the log query for project proj-1: Unparseable filter: syntax error at line 1',
    },
  ])('HTTP $status $error.status → $reason', async ({ status, error, reason, message }) => {
    interceptList(status, { error });
    expect(await reader().read({ executionId: 'abc', window })).toEqual({ ok: false, reason, message });
  });

  test('an API that does not answer → unavailable once the deadline passes (no hanging page)', async () => {
    nock(API).post(LIST_PATH).query(true).delay(600).reply(200, {});
    const result = await reader(undefined, 100).read({ executionId: 'abc', window });
    expect(result).toEqual({
      ok: false,
      reason: 'unavailable',
      message: 'Cloud Logging is unavailable or did not answer in time (no answer within 100 ms); try again shortly.',
    });
  });
});

test('consoleUrl uses the reader\'s project and namespace', () => {
  expect(reader('etl-jobs').consoleUrl('abc', window)).toBe(
    'https://console.cloud.google.com/logs/query' +
      ';query=resource.type%3D%22k8s_container%22%0Aresource.labels.namespace_name%3D%22etl-jobs%22%0Alabels.etl_monitor_execution%3D%22abc%22' +
      ';timeRange=2026-03-01T10%3A00%3A00.000Z%2F2026-03-01T11%3A00%3A00.000Z?project=proj-1',
  );
});

test('executionLogWindow pads 5 minutes on both sides and runs to now while unfinished', () => {
  const started = new Date('2026-03-01T10:00:00Z');
  expect(executionLogWindow(started, new Date('2026-03-01T10:20:00Z'), new Date('2026-03-02T00:00:00Z'))).toEqual({
    from: new Date('2026-03-01T09:55:00Z'),
    to: new Date('2026-03-01T10:25:00Z'),
  });
  expect(executionLogWindow(started, null, new Date('2026-03-01T10:07:00Z'))).toEqual({
    from: new Date('2026-03-01T09:55:00Z'),
    to: new Date('2026-03-01T10:12:00Z'),
  });
});

test('createExecutionLogReader: Kubernetes + cloud-logging asks Cloud Logging (with the namespace) once the pod is gone', async () => {
  const seen = interceptList(200, { entries: [{ timestamp: '2026-03-01T10:00:01Z', severity: 200, jsonPayload: { message: 'archived' } }] });
  const reader = createExecutionLogReader({
    runtime: 'kubernetes',
    logsBackend: 'cloud-logging',
    googleCloudProject: 'proj-1',
    namespace: 'etl-jobs',
    live: async () => undefined,
    authClient: testAuthClient(),
  });
  expect(await reader.read({ executionId: 'abc', window })).toEqual({
    ok: true,
    source: 'cloud-logging',
    lines: [{ time: '2026-03-01T10:00:01.000Z', severity: 'INFO', message: 'archived' }],
  });
  expect(seen.body?.filter).toBe(
    'resource.type="k8s_container" AND resource.labels.namespace_name="etl-jobs" AND labels.etl_monitor_execution="abc" AND ' +
      'timestamp>="2026-03-01T10:00:00.000Z" AND timestamp<="2026-03-01T11:00:00.000Z"',
  );
});
