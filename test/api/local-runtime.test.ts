// The local runtime on its own, with a stand-in extractor: the env a run gets, stop with
// SIGTERM then SIGKILL, schedules firing on a manual clock in their zone, restart recovery.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRuntime } from '../../services/api/src/adapters/runtime/local/local-runtime.js';
import { LocalSecretStore } from '../../services/api/src/adapters/secrets/local-secret-store.js';
import type { RunObservation, RunRequest, ScheduleDeployment } from '../../services/api/src/domain/runtime/runtime.js';
import { ManualClock } from './support/manual-clock.js';

const FAKE = { command: process.execPath, args: [join(import.meta.dirname, 'fixtures', 'fake-extractor.mjs')] };

let home: string;
let secrets: LocalSecretStore;
let runtime: LocalRuntime;
let seen: RunObservation[];

function request(executionId: string, sql: string): RunRequest {
  return {
    executionId,
    scheduleId: '9',
    trigger: 'manual',
    triggeredBy: 'tester@example.com',
    template: {
      spec: {
        version: 1,
        scheduleId: '9',
        names: { source: 's', script: 'x', destination: 'd' },
        source: { host: '127.0.0.1', port: 3050, database: 'employee', user: 'ETL_READER', charset: 'UTF8', timeZone: 'UTC' },
        script: { name: 'x', sql, keyColumns: [] },
        destination: { kind: 'postgres', schema: 'public', table: 't', writeMode: 'truncate' },
      },
      secrets: [
        { env: 'ETL_SOURCE_PASSWORD', name: 'etl-source-1', key: 'password' },
        { env: 'ETL_DEST_POSTGRES_URL', name: 'etl-destination-1', key: 'url' },
      ],
      maxRuntimeSeconds: 60,
    },
  };
}

async function until<T>(find: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const finishedOf = (name: string) => () => seen.find((o): o is Extract<RunObservation, { type: 'finished' }> => o.type === 'finished' && o.handle.name === name);

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'etl-local-runtime-'));
  secrets = new LocalSecretStore(home);
  await secrets.put('etl-source-1', 'password', 'fb-secret');
  await secrets.put('etl-destination-1', 'url', 'postgres://u:pw@127.0.0.1:1/db');
  seen = [];
});
afterEach(async () => {
  await runtime?.close();
  rmSync(home, { recursive: true, force: true });
});

function makeRuntime(options: { clock?: ManualClock; stopGraceMs?: number } = {}) {
  runtime = new LocalRuntime({
    etlHome: home,
    secrets,
    extractor: FAKE,
    stopGraceMs: options.stopGraceMs ?? 5_000,
    hostEnv: { PATH: '/usr/bin:/bin', HOME: '/root', DATABASE_URL: 'postgres://control-plane-secret', SESSION_SECRET: 'x' },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  runtime.subscribe((o) => {
    seen.push(o);
  });
  return runtime;
}

describe('runs', () => {
  test('a run gets exactly the job contract env (secrets resolved), nothing of the control plane', async () => {
    await makeRuntime().start();
    const handle = await runtime.runNow(request('11', 'SELECT 1 FROM RDB$DATABASE'));
    expect(handle.name).toBe('etl-x-11');
    const finished = await until(finishedOf('etl-x-11'));
    expect(finished).toMatchObject({ status: 'succeeded', executionId: '11', scheduleId: '9', summary: { rowsWritten: 7, runName: 'etl-x-11' } });
    const lines = await runtime.readLogs(handle);
    const started = JSON.parse(lines[0]!) as { envNames: string[] };
    expect(started.envNames).toEqual(['ETL_DEST_POSTGRES_URL', 'ETL_EXECUTION_ID', 'ETL_JOB_SPEC', 'ETL_RUN_NAME', 'ETL_SOURCE_PASSWORD', 'ETL_TERMINATION_LOG', 'HOME', 'PATH', 'TZ']);
    expect(lines[1]).toContain('password length 9');
    expect(existsSync(join(home, 'runs', 'etl-x-11', 'termination-log'))).toBe(true);
    expect(await runtime.readLogs(handle, { sinceLine: 2 })).toEqual([lines[2]]);
  });

  test('stop sends SIGTERM; the run ends stopped with its summary', async () => {
    await makeRuntime().start();
    const handle = await runtime.runNow(request('12', 'sleep'));
    await new Promise((r) => setTimeout(r, 300));
    const outcome = await runtime.stop(handle);
    expect(outcome).toEqual({ terminated: true });
    const finished = await until(finishedOf('etl-x-12'));
    expect(finished.status).toBe('stopped');
    expect(finished.summary?.status).toBe('stopped');
    expect(runtime.activePids()).toEqual([]);
  });

  test('a run that ignores SIGTERM is killed after the grace period', async () => {
    await makeRuntime({ stopGraceMs: 700 }).start();
    const handle = await runtime.runNow(request('13', 'ignore-sigterm'));
    await new Promise((r) => setTimeout(r, 300));
    const pid = runtime.activePids()[0]!;
    const started = Date.now();
    const outcome = await runtime.stop(handle);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(outcome).toEqual({ terminated: true, detail: 'killed after 700 ms grace period' });
    const finished = await until(finishedOf('etl-x-13'));
    expect(finished).toMatchObject({ status: 'stopped', reason: 'the extractor was killed by SIGKILL' });
    expect(() => process.kill(pid, 0)).toThrow();
  });

  test('a secret that does not exist refuses the run before anything starts', async () => {
    await makeRuntime().start();
    await secrets.remove('etl-source-1');
    await expect(runtime.runNow(request('14', 'x'))).rejects.toThrow('secret etl-source-1/password does not exist in the local secret store');
  });
});

describe('schedules', () => {
  const deployment = (cron: string, timeZone: string, active = true): ScheduleDeployment => ({
    scheduleId: '9', scheduleName: 'nine', cron, timeZone, active, template: request('0', 'x').template,
  });

  test('an active schedule fires at its cron slots in its own zone', async () => {
    const clock = new ManualClock(new Date('2026-03-10T10:00:30Z'));
    await makeRuntime({ clock }).start();
    // 08:00 in Kolkata (UTC+05:30) = 02:30 UTC.
    await runtime.apply(deployment('0 8 * * *', 'Asia/Kolkata'));
    expect(clock.pendingTimers()).toEqual([new Date('2026-03-11T02:30:00Z')]);
    clock.advanceTo(new Date('2026-03-13T00:00:00Z'));
    await new Promise((r) => setTimeout(r, 50)); // observations are delivered asynchronously, in order
    expect(seen.filter((o) => o.type === 'due')).toEqual([
      { type: 'due', scheduleId: '9', scheduledFor: new Date('2026-03-11T02:30:00Z') },
      { type: 'due', scheduleId: '9', scheduledFor: new Date('2026-03-12T02:30:00Z') },
    ]);
  });

  test('deactivating or removing a schedule cancels its timer', async () => {
    const clock = new ManualClock(new Date('2026-03-10T10:00:30Z'));
    await makeRuntime({ clock }).start();
    await runtime.apply(deployment('* * * * *', 'UTC'));
    await runtime.apply(deployment('* * * * *', 'UTC', false));
    clock.advanceTo(new Date('2026-03-10T10:05:00Z'));
    await runtime.apply(deployment('* * * * *', 'UTC'));
    await runtime.remove('9');
    clock.advanceTo(new Date('2026-03-10T10:10:00Z'));
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.filter((o) => o.type === 'due')).toEqual([]);
  });

  test('reconcile reports what it created, changed and removed', async () => {
    await makeRuntime({ clock: new ManualClock(new Date('2026-03-10T10:00:00Z')) }).start();
    expect(await runtime.reconcile([deployment('0 * * * *', 'UTC')])).toEqual({ created: 1, updated: 0, deleted: 0, unchanged: 0 });
    expect(await runtime.reconcile([deployment('0 * * * *', 'UTC')])).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 1 });
    expect(await runtime.reconcile([deployment('5 * * * *', 'UTC')])).toEqual({ created: 0, updated: 1, deleted: 0, unchanged: 0 });
    expect(await runtime.reconcile([])).toEqual({ created: 0, updated: 0, deleted: 1, unchanged: 0 });
  });
});

describe('restart', () => {
  test('slots that passed while the control plane was down are reported missed, once; the latest starts late within the deadline', async () => {
    mkdirSync(join(home, 'schedules'), { recursive: true });
    writeFileSync(join(home, 'schedules', '9.json'), JSON.stringify({ lastSlot: '2026-03-10T10:00:00.000Z' }));
    const clock = new ManualClock(new Date('2026-03-10T10:03:30Z'));
    await makeRuntime({ clock }).start();
    await runtime.apply({ scheduleId: '9', scheduleName: 'nine', cron: '* * * * *', timeZone: 'UTC', active: true, template: request('0', 'x').template });
    clock.advanceTo(new Date('2026-03-10T10:04:00Z'));
    await new Promise((r) => setTimeout(r, 50));
    const reason = 'the control plane was not running at this time';
    expect(seen).toEqual([
      { type: 'missed', scheduleId: '9', scheduledFor: new Date('2026-03-10T10:01:00Z'), reason },
      { type: 'missed', scheduleId: '9', scheduledFor: new Date('2026-03-10T10:02:00Z'), reason },
      // 30 s late, within the every-minute schedule's 60 s starting deadline: started, as a CronJob would.
      { type: 'due', scheduleId: '9', scheduledFor: new Date('2026-03-10T10:03:00Z') },
      { type: 'due', scheduleId: '9', scheduledFor: new Date('2026-03-10T10:04:00Z') },
    ]);
    await runtime.close();
    seen = [];
    await makeRuntime({ clock }).start();
    await runtime.apply({ scheduleId: '9', scheduleName: 'nine', cron: '* * * * *', timeZone: 'UTC', active: true, template: request('0', 'x').template });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([]);
  });

  test('after a long downtime only the latest ten missed slots are listed, with the count of the rest; the latest slot starts within its deadline', async () => {
    mkdirSync(join(home, 'schedules'), { recursive: true });
    writeFileSync(join(home, 'schedules', '9.json'), JSON.stringify({ lastSlot: '2026-03-09T22:00:00.000Z' }));
    await makeRuntime({ clock: new ManualClock(new Date('2026-03-10T10:01:30Z')) }).start();
    await runtime.apply({ scheduleId: '9', scheduleName: 'nine', cron: '0 * * * *', timeZone: 'UTC', active: true, template: request('0', 'x').template });
    await new Promise((r) => setTimeout(r, 50));
    const missed = seen.filter((o): o is Extract<RunObservation, { type: 'missed' }> => o.type === 'missed');
    expect(missed.map((o) => o.scheduledFor.toISOString().slice(11, 16))).toEqual(['00:00', '01:00', '02:00', '03:00', '04:00', '05:00', '06:00', '07:00', '08:00', '09:00']);
    expect(missed.map((o) => o.reason)).toEqual(['the control plane was not running at this time (1 earlier slot not listed)', ...Array(9).fill('the control plane was not running at this time')]);
    // 10:00 is 90 s late, within the hourly schedule's starting deadline (3600 s): one catch-up run.
    expect(seen.filter((o) => o.type === 'due')).toEqual([{ type: 'due', scheduleId: '9', scheduledFor: new Date('2026-03-10T10:00:00Z') }]);
  });

  test('a daily slot later than its starting deadline (3600 s) is missed, not started', async () => {
    mkdirSync(join(home, 'schedules'), { recursive: true });
    writeFileSync(join(home, 'schedules', '9.json'), JSON.stringify({ lastSlot: '2026-03-08T02:00:00.000Z' }));
    await makeRuntime({ clock: new ManualClock(new Date('2026-03-10T03:30:00Z')) }).start();
    await runtime.apply({ scheduleId: '9', scheduleName: 'nine', cron: '0 2 * * *', timeZone: 'UTC', active: true, template: request('0', 'x').template });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.map((o) => [o.type, 'scheduledFor' in o ? o.scheduledFor?.toISOString() : null])).toEqual([
      ['missed', '2026-03-09T02:00:00.000Z'],
      ['missed', '2026-03-10T02:00:00.000Z'],
    ]);
  });

  test('a run left in flight whose process is gone is reported failed with the reason', async () => {
    mkdirSync(join(home, 'runs', 'etl-x-21'), { recursive: true });
    writeFileSync(join(home, 'runs', 'etl-x-21', 'run.json'), JSON.stringify({ name: 'etl-x-21', uid: 'u-21', executionId: '21', scheduleId: '9', pid: 2 ** 22 + 1, startedAt: '2026-03-10T10:00:00Z' }));
    await makeRuntime().start();
    const finished = await until(finishedOf('etl-x-21'));
    expect(finished).toMatchObject({ status: 'failed', executionId: '21', reason: 'the control plane restarted while this run was active and its extractor process is gone' });
    // Reported once: a second start finds nothing left to recover.
    await runtime.close();
    seen = [];
    await makeRuntime().start();
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);
  });
});
