// `logs --follow` logic in-process with a scripted API: the terminal spinner (status, lines) vs
// one line per status change off a terminal, `since` advancing, Cloud Logging page tokens fetched
// right away, the unreadable-log reason printed once, and the final status returned.
import { describe, expect, test } from '@jest/globals';
import type { ApiClient, Query } from '../../services/api/src/entrypoints/cli/client/api-client.js';
import { printLogs } from '../../services/api/src/entrypoints/cli/client/follow.js';

// Times are printed in the local zone (TZ): pin it.
process.env.TZ = 'UTC';

const line = (message: string, severity = 'INFO') => ({ time: '2026-01-02T03:04:05.000Z', severity, message });

function scripted(responses: Record<string, unknown>[]): { api: ApiClient; queries: Query[] } {
  const queries: Query[] = [];
  const api = {
    url: 'http://test',
    async get<T>(_path: string, query?: Query): Promise<T> {
      queries.push({ ...query });
      const next = responses.shift();
      if (!next) throw new Error('no more scripted responses');
      return next as T;
    },
  } as unknown as ApiClient;
  return { api, queries };
}

function streams(isTTY: boolean) {
  const out: string[] = [];
  let err = '';
  return { out, get err() { return err; }, write: (t: string) => out.push(t), stderr: { isTTY, write: (t: string) => (err += t) } };
}

const base = { executionId: 7, ok: true, source: 'local' };

describe('printLogs --follow', () => {
  test('off a terminal: new lines only, one progress line per status, final status returned', async () => {
    const { api, queries } = scripted([
      { ...base, status: 'pending', active: true, lines: [], next: 0 },
      { ...base, status: 'running', active: true, lines: [line('a'), line('b')], next: 2 },
      { ...base, status: 'running', active: true, lines: [], next: 2 },
      { ...base, status: 'failed', active: false, lines: [line('boom', 'ERROR')], next: 3 },
    ]);
    const s = streams(false);
    const status = await printLogs(api, 7, { follow: true, format: 'table', intervalMs: 1, write: s.write, stderr: s.stderr });
    expect(status).toBe('failed');
    expect(queries.map((q) => q.since)).toEqual([0, 0, 2, 2]);
    expect(s.out).toEqual(['2026-01-02 03:04:05 (UTC+00:00)  INFO      a', '2026-01-02 03:04:05 (UTC+00:00)  INFO      b', '2026-01-02 03:04:05 (UTC+00:00)  ERROR     boom']);
    expect(s.err).toBe('execution 7: pending\nexecution 7: running\nexecution 7: failed\n');
  });

  test('on a terminal: a spinner redrawn in place with status and line count, cleared at the end', async () => {
    const { api } = scripted([
      { ...base, status: 'running', active: true, lines: [line('a')], next: 1 },
      { ...base, status: 'running', active: true, lines: [], next: 1 },
      { ...base, status: 'succeeded', active: false, lines: [], next: 1 },
    ]);
    const s = streams(true);
    expect(await printLogs(api, 7, { follow: true, format: 'json', intervalMs: 1, write: s.write, stderr: s.stderr })).toBe('succeeded');
    expect(s.out).toEqual([JSON.stringify(line('a'))]);
    const frames = s.err.split('\r\x1b[K').filter(Boolean);
    expect(frames).toEqual(['⠋ execution 7: running · 0 s · 1 lines', '⠙ execution 7: running · 0 s · 1 lines', 'execution 7: succeeded\n']);
  });

  test('Cloud Logging pages are fetched at once by token; an unreadable log is reported once', async () => {
    const { api, queries } = scripted([
      { ...base, source: 'cloud-logging', status: 'succeeded', active: false, lines: [line('p1')], next: 1, nextPageToken: 'T2' },
      { ...base, source: 'cloud-logging', status: 'succeeded', active: false, lines: [line('p2')], next: 2 },
    ]);
    const s = streams(false);
    expect(await printLogs(api, 7, { follow: false, format: 'table', write: s.write, stderr: s.stderr })).toBe('succeeded');
    expect(queries).toEqual([{ since: 0, severity: undefined, pageToken: undefined }, { since: 1, severity: undefined, pageToken: 'T2' }]);
    expect(s.out.map((l) => l.split('  ').pop())).toEqual(['p1', 'p2']);
    expect(s.err).toBe('');

    const denied = { executionId: 7, ok: false, reason: 'permission-denied', message: 'caller lacks logging.logEntries.list', consoleUrl: 'https://console.cloud.google.com/logs/query' };
    const second = scripted([{ ...denied, status: 'running', active: true }, { ...denied, status: 'running', active: true }, { ...denied, status: 'stopped', active: false }]);
    const t = streams(false);
    expect(await printLogs(second.api, 7, { follow: true, format: 'table', intervalMs: 1, write: t.write, stderr: t.stderr })).toBe('stopped');
    expect(t.out).toEqual([]);
    expect(t.err).toBe(
      'etl-monitor: logs of execution 7 cannot be read (permission-denied): caller lacks logging.logEntries.list\n  https://console.cloud.google.com/logs/query\n' +
        'execution 7: running\nexecution 7: stopped\n',
    );
  });
});
