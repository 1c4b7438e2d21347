import { expect, test } from '@jest/globals';
import { parseLogLines } from '../../services/api/src/adapters/logs/local-log-parser.js';
import { parseSeverityFilter } from '../../services/api/src/adapters/logs/log-line.js';

const captured = [
  '{"severity":"INFO","message":"connected to source","time":"2026-03-01T10:00:00.100Z","logging.googleapis.com/labels":{"etl_monitor_execution":"abc","etl_monitor_schedule":"7"}}',
  '(node:123) ExperimentalWarning: something the runtime printed',
  '',
  '{"severity":"WARNING","message":"slow batch","time":"2026-03-01T10:00:05.000Z","rowsRead":5000,"logging.googleapis.com/trace":"projects/p/traces/t"}',
  '{"severity":"ERROR","message":"load failed","time":"2026-03-01T10:00:09.000Z"}',
  '{"summary":true,"status":"failed","rowsRead":5000,"rowsWritten":0,"finishedAt":"2026-03-01T10:00:09.500Z","error":{"kind":"destination","message":"load job failed"}}',
  '{ not json',
].join('\n');

test('Cloud Logging JSON lines map to LogLines; labels and trace are dropped; other text is kept as INFO', () => {
  expect(parseLogLines(captured)).toEqual([
    { time: '2026-03-01T10:00:00.100Z', severity: 'INFO', message: 'connected to source' },
    { time: '', severity: 'INFO', message: '(node:123) ExperimentalWarning: something the runtime printed' },
    { time: '2026-03-01T10:00:05.000Z', severity: 'WARNING', message: 'slow batch', fields: { rowsRead: 5000 } },
    { time: '2026-03-01T10:00:09.000Z', severity: 'ERROR', message: 'load failed' },
    {
      time: '2026-03-01T10:00:09.500Z',
      severity: 'ERROR',
      message: 'run summary: failed, 5000 rows read, 0 written — destination: load job failed',
      fields: { summary: true, status: 'failed', rowsRead: 5000, rowsWritten: 0, finishedAt: '2026-03-01T10:00:09.500Z', error: { kind: 'destination', message: 'load job failed' } },
    },
    { time: '', severity: 'INFO', message: '{ not json' },
  ]);
});

test('a succeeded run summary reads as a sentence at INFO; a stopped one at WARNING', () => {
  const lines = parseLogLines([
    '{"summary":true,"status":"succeeded","rowsRead":33,"rowsWritten":33,"startedAt":"2026-12-04T07:43:01.725Z","finishedAt":"2026-12-04T07:43:01.823Z"}',
    '{"summary":true,"status":"stopped","rowsRead":10,"rowsWritten":0,"finishedAt":"2026-12-04T07:44:00.000Z"}',
  ]);
  expect(lines.map((l) => [l.time, l.severity, l.message])).toEqual([
    ['2026-12-04T07:43:01.823Z', 'INFO', 'run summary: succeeded, 33 rows read, 33 written'],
    ['2026-12-04T07:44:00.000Z', 'WARNING', 'run summary: stopped, 10 rows read, 0 written'],
  ]);
});

test('severity filter keeps lines at or above the minimum (plain text counts as INFO)', () => {
  expect(parseLogLines(captured, { minSeverity: 'WARNING' }).map((line) => line.message)).toEqual([
    'slow batch',
    'load failed',
    'run summary: failed, 5000 rows read, 0 written — destination: load job failed',
  ]);
  expect(parseLogLines(captured, { minSeverity: 'INFO' })).toHaveLength(6);
});

test('accepts already split lines (Runtime.readLogs) and CRLF text', () => {
  expect(parseLogLines(['{"severity":"notice","message":"a"}', 'b'])).toEqual([
    { time: '', severity: 'NOTICE', message: 'a' },
    { time: '', severity: 'INFO', message: 'b' },
  ]);
  expect(parseLogLines('x\r\ny\r\n').map((line) => line.message)).toEqual(['x', 'y']);
});

test('a severity filter from user input is validated with an actionable message', () => {
  expect(parseSeverityFilter('warning')).toBe('WARNING');
  expect(() => parseSeverityFilter('loud')).toThrow('unknown severity "loud": use one of DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL');
});
