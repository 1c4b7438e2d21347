import { describe, expect, test } from '@jest/globals';
import { CronError, nextRuns, parseCron, startingDeadlineSeconds } from '../../services/api/src/domain/cron/index.js';

const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());

describe('cron expressions as Kubernetes reads them', () => {
  test('C16: "0 3 1-7 * 1" ORs day-of-month and day-of-week like Kubernetes', () => {
    const runs = nextRuns(parseCron('0 3 1-7 * 1', 'UTC'), new Date('2024-06-01T00:00:00Z'), 10);
    expect(iso(runs)).toEqual([
      '2024-06-01T03:00:00.000Z', '2024-06-02T03:00:00.000Z', '2024-06-03T03:00:00.000Z',
      '2024-06-04T03:00:00.000Z', '2024-06-05T03:00:00.000Z', '2024-06-06T03:00:00.000Z',
      '2024-06-07T03:00:00.000Z', '2024-06-10T03:00:00.000Z', '2024-06-17T03:00:00.000Z',
      '2024-06-24T03:00:00.000Z',
    ]);
    expect(parseCron('0 3 1-7 * 1', 'UTC').dayFieldsOred).toBe(true);
  });

  test('C16 control: "0 3 * * 1" runs on Mondays only', () => {
    const schedule = parseCron('0 3 * * 1', 'UTC');
    expect(iso(nextRuns(schedule, new Date('2024-06-01T00:00:00Z'), 4))).toEqual([
      '2024-06-03T03:00:00.000Z', '2024-06-10T03:00:00.000Z', '2024-06-17T03:00:00.000Z', '2024-06-24T03:00:00.000Z',
    ]);
    expect(schedule.dayFieldsOred).toBe(false);
  });

  test('a time zone shifts the runs to that zone\'s wall clock', () => {
    const runs = nextRuns(parseCron('0 3 * * *', 'America/Sao_Paulo'), new Date('2024-06-01T00:00:00Z'), 2);
    expect(iso(runs)).toEqual(['2024-06-01T06:00:00.000Z', '2024-06-02T06:00:00.000Z']);
  });

  test.each([
    ['0 3 * * 7', 'UTC', /above the maximum 6.*Sunday is 0/],
    ['61 * * * *', 'UTC', /minute 61 is above the maximum 59/],
    ['* * * *', 'UTC', /expected exactly 5 fields.*found 4/],
    ['0 0 3 * * *', 'UTC', /expected exactly 5 fields.*found 6/],
    ['TZ=UTC 0 3 * * *', 'UTC', /TZ= and CRON_TZ= prefixes are not allowed/],
    ['CRON_TZ=Europe/Berlin 0 3 * * *', 'UTC', /TZ= and CRON_TZ= prefixes are not allowed/],
    ['@every 5m', 'UTC', /"@every" intervals are not supported/],
    ['0 3 L * *', 'UTC', /"L" is not a valid day of month/],
    ['5-1 * * * *', 'UTC', /starts after it ends/],
    ['*/0 * * * *', 'UTC', /must be a positive number/],
    ['0 3 * * *', 'Mars/Olympus_Mons', /"Mars\/Olympus_Mons" is not an IANA time zone/],
    ['0 3 * * *', 'europe/berlin', /did you mean "Europe\/Berlin"/],
    ['0 3 * * *', 'Local', /not an IANA time zone/],
    ['', 'UTC', /empty/],
  ])('refuses %j in %s with a message a user can act on', (expression, zone, message) => {
    expect(() => parseCron(expression, zone)).toThrow(CronError);
    expect(() => parseCron(expression, zone)).toThrow(message);
  });

  test('names and descriptors parse like robfig/cron', () => {
    expect(iso(nextRuns(parseCron('0 9 * JAN-MAR mon-fri', 'UTC'), new Date('2024-03-29T10:00:00Z'), 2))).toEqual([
      '2025-01-01T09:00:00.000Z', '2025-01-02T09:00:00.000Z',
    ]);
    expect(iso(nextRuns(parseCron('@weekly', 'UTC'), new Date('2024-06-01T00:00:00Z'), 1))).toEqual(['2024-06-02T00:00:00.000Z']);
  });

  test('C12: startingDeadlineSeconds is at least 60 s and at most the interval (daily → 3600)', () => {
    const from = new Date('2024-06-01T00:00:00Z');
    expect(startingDeadlineSeconds(parseCron('*/1 * * * *', 'UTC'), from)).toBe(60);
    expect(startingDeadlineSeconds(parseCron('*/5 * * * *', 'UTC'), from)).toBe(300);
    expect(startingDeadlineSeconds(parseCron('1 0 * * *', 'UTC'), from)).toBe(3600);
    expect(startingDeadlineSeconds(parseCron('0 3 1-7 * 1', 'UTC'), from)).toBe(3600);
  });
});
