// Differential test: our port against robfig/cron v3 itself (the library the Kubernetes CronJob
// controller uses), built from Debian's golang-github-robfig-cron-dev by scripts/cron-oracle.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CronError, nextRuns, parseCron } from '../../services/api/src/domain/cron/index.js';

const root = join(import.meta.dirname, '..', '..');
let oracle = '';

beforeAll(() => {
  oracle = join(mkdtempSync(join(tmpdir(), 'cron-oracle-')), 'cron-oracle');
  execFileSync('sh', [join(root, 'scripts', 'cron-oracle', 'build.sh'), oracle], { stdio: 'pipe' });
}, 120_000);

const EXPRESSIONS = [
  '* * * * *', '*/7 * * * *', '0 * * * *', '30 2 * * *', '0 3 1-7 * 1', '0 3 */2 * 1', '0 3 ? * 1', '15 1,13 * * *',
  '0 0 29 2 *', '0 0 31 * *', '59 23 31 12 *', '0 12 * * 0', '0 0 1 */3 *', '5/15 * * * *', '0 1-5/2 * * *',
  '0 2 * * sun', '30 1 * * *', '0 0 * * 1-5', '@daily', '@hourly', '@monthly', '@yearly', '@weekly', '0 3 15 * 5',
  '*/1 2 * * *', '0 0 1-7 * SAT', '45 23 * * *', '0 22-2 * * *', '0 * 13 * FRI', '0 22-2 * * *',
];
const ZONES = ['UTC', 'Europe/Berlin', 'America/Sao_Paulo', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Havana'];
// Starts that cross daylight-saving changes in both hemispheres, month ends and leap days.
const STARTS = ['2024-02-27T22:00:00Z', '2024-03-09T12:00:00Z', '2024-03-30T22:00:00Z', '2024-10-26T20:00:00Z', '2018-11-03T12:00:00Z', '2024-03-31T00:30:00Z', '2024-10-05T10:00:00Z'];
const COUNT = 12;

describe('cron preview equals robfig/cron v3 (Kubernetes)', () => {
  const cases = EXPRESSIONS.flatMap((e) => ZONES.flatMap((z) => STARTS.map((s) => [e, z, s] as const)));

  test(`${cases.length} expression × zone × start combinations give identical run times`, () => {
    const input = cases.map(([e, z, s]) => `${e}\t${z}\t${s}\t${COUNT}`).join('\n') + '\n';
    const expected = execFileSync(oracle, { input, encoding: 'utf8' }).trimEnd().split('\n');
    const mismatches: string[] = [];
    cases.forEach(([e, z, s], i) => {
      let ours: string;
      try {
        ours = nextRuns(parseCron(e, z), new Date(s), COUNT).map((d) => d.toISOString().replace('.000Z', 'Z')).join(' ');
      } catch (err) {
        if (!(err instanceof CronError)) throw err;
        ours = 'ERR';
      }
      if (ours !== expected[i]) mismatches.push(`${e} | ${z} | ${s}\n  robfig: ${expected[i]}\n  ours:   ${ours}`);
    });
    expect(mismatches).toEqual([]);
  });

  test('expressions robfig refuses are refused here too', () => {
    const bad = ['0 3 * * 7', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * 32 * *', '* * * 13 *', '* * * 0 *', '1-2-3 * * * *', '*/2/3 * * * *', '5-1 * * * *', 'x * * * *', '* * * *'];
    const input = bad.map((e) => `${e}\tUTC\t2024-01-01T00:00:00Z\t1`).join('\n') + '\n';
    const expected = execFileSync(oracle, { input, encoding: 'utf8' }).trimEnd().split('\n');
    expect(expected).toEqual(bad.map(() => 'ERR'));
    for (const e of bad) expect(() => parseCron(e, 'UTC')).toThrow(CronError);
  });
});
