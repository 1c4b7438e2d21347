import { expect, test } from '@jest/globals';
import { previewRuns } from '../../services/api/src/domain/cron/index.js';

test('preview lists the next runs in the schedule\'s zone with their offset', () => {
  const preview = previewRuns('0 3 * * *', 'America/Sao_Paulo', new Date('2024-06-01T00:00:00Z'), 2);
  expect(preview).toEqual({
    ok: true,
    runs: [
      { at: '2024-06-01T06:00:00.000Z', local: '2024-06-01 03:00 (UTC-03:00)' },
      { at: '2024-06-02T06:00:00.000Z', local: '2024-06-02 03:00 (UTC-03:00)' },
    ],
    warnings: [],
  });
});

test('C16: preview warns when both day fields are set', () => {
  const preview = previewRuns('0 3 1-7 * 1', 'UTC', new Date('2024-06-01T00:00:00Z'), 10);
  expect(preview.ok && preview.warnings).toEqual([
    'Both day-of-month and day-of-week are set: the job runs on days matching EITHER field (standard cron and Kubernetes), not only days matching both.',
  ]);
});

test('preview warns about daylight-saving gaps and repeats that hit the schedule', () => {
  const preview = previewRuns('30 2 * * *', 'Europe/Berlin', new Date('2024-03-01T00:00:00Z'), 3);
  expect(preview.ok && preview.warnings).toEqual([
    'On 2024-03-31 clocks in Europe/Berlin jump forward: 02:30 does not exist that day, so that run does not happen.',
    'On 2024-10-27 clocks in Europe/Berlin go back: 02:30 happens twice that day and the job runs twice then.',
  ]);
  // A schedule outside the changed hour gets no warning.
  const quiet = previewRuns('0 12 * * *', 'Europe/Berlin', new Date('2024-03-01T00:00:00Z'), 3);
  expect(quiet.ok && quiet.warnings).toEqual([]);
});

test('an invalid expression previews as an error message, not an exception', () => {
  expect(previewRuns('0 3 * * 7', 'UTC', new Date())).toEqual({
    ok: false,
    error: 'day of week 7 is above the maximum 6 in "7" (Sunday is 0 in Kubernetes cron)',
  });
});
