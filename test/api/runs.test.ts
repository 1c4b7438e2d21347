// End to end on one machine: the real extractor (dist/jobs/extract) reads the real Firebird
// `employee` database and loads a real Postgres destination, driven through the HTTP API.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { paths } from '../../services/api/src/paths.js';
import { createTestDatabase } from '../support/postgres.js';
import { createSample, SLOW_SQL, waitForEnd } from './support/catalog.js';
import { startTestControlPlane, type TestControlPlane } from './support/control-plane.js';
import { ManualClock } from './support/manual-clock.js';
import { signIn, type SignedIn } from './support/sign-in.js';

const STOP_GRACE_MS = 15_000;

let cp: TestControlPlane;
let operator: SignedIn;
let admin: SignedIn;
let destinationUrl: string;
let destination: pg.Client;
const clock = new ManualClock(new Date('2026-06-01T05:00:00Z'));

const run = (scheduleId: number) => operator.agent.post(`/api/v1/schedules/${scheduleId}/run`).set('x-csrf-token', operator.csrf);

async function waitForStatus(executionId: number, status: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await operator.agent.get(`/api/v1/executions/${executionId}`)).body.status !== status) {
    if (Date.now() > deadline) throw new Error(`execution ${executionId} never became ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function executionsOf(scheduleId: number): Promise<Record<string, unknown>[]> {
  return (await operator.agent.get(`/api/v1/executions?scheduleId=${scheduleId}`)).body.items as Record<string, unknown>[];
}

beforeAll(async () => {
  if (!existsSync(paths.extractorMain())) throw new Error(`${paths.extractorMain()} is missing: run \`npm run build\` before these tests`);
  destinationUrl = await createTestDatabase('etl_dest');
  destination = new pg.Client({ connectionString: destinationUrl });
  await destination.connect();
  cp = await startTestControlPlane('api_runs', { local: { clock, stopGraceMs: STOP_GRACE_MS } });
  admin = await signIn(cp.url, 'admin');
  operator = await signIn(cp.url, 'operator');
});
afterAll(async () => {
  await destination?.end();
  await cp?.stop();
});

describe('EMPLOYEE into Postgres', () => {
  test('run now loads the 42 employees with exact values', async () => {
    const ids = await createSample(admin, destinationUrl, { name: 'Employee manual', table: 'employee_manual' });
    const res = await run(ids.scheduleId);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ scheduleId: ids.scheduleId, trigger: 'manual', triggeredBy: 'operator@example.com', status: 'running' });
    expect(res.body.params).toEqual({
      schedule: 'Employee manual', cron: '0 3 * * *', timeZone: 'America/Sao_Paulo',
      source: 'Employee manual source', script: 'Employee manual script', destination: 'Employee manual destination', maxRuntimeSeconds: 600,
    });
    const done = await waitForEnd(operator, res.body.id as number);
    expect(done).toMatchObject({ status: 'succeeded', rowsRead: 42, rowsWritten: 42, error: null });
    const rows = await destination.query(`SELECT first_name, last_name, to_char(hire_date, 'YYYY-MM-DD') AS hired, salary::text AS salary FROM public.employee_manual WHERE emp_no = 2`);
    expect(rows.rows).toEqual([{ first_name: 'Robert', last_name: 'Nelson', hired: '1988-12-28', salary: '105900.00' }]);
    expect((await destination.query('SELECT count(*)::int AS n FROM public.employee_manual')).rows[0].n).toBe(42);
    const logs = await operator.agent.get(`/api/v1/executions/${res.body.id}/logs`);
    expect(logs.body.lines.length).toBeGreaterThan(0);
    expect(logs.text).not.toContain('etl-reader-dev');
  });

  test('an active schedule fires by itself at its slot and succeeds', async () => {
    // 03:00 in São Paulo (UTC-3) is 06:00 UTC.
    const ids = await createSample(admin, destinationUrl, { name: 'Employee scheduled', table: 'employee_scheduled', cron: '0 3 * * *', timeZone: 'America/Sao_Paulo', active: true });
    expect(await executionsOf(ids.scheduleId)).toEqual([]);
    clock.advanceTo(new Date('2026-06-01T06:00:30Z'));
    let fired: Record<string, unknown> | undefined;
    const deadline = Date.now() + 10_000;
    while (!(fired = (await executionsOf(ids.scheduleId))[0]) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(fired).toMatchObject({ trigger: 'scheduled', triggeredBy: 'scheduler', scheduledFor: '2026-06-01T06:00:00.000Z' });
    const done = await waitForEnd(operator, fired!.id as number);
    expect(done).toMatchObject({ status: 'succeeded', rowsRead: 42, rowsWritten: 42 });
    expect((await destination.query('SELECT count(*)::int AS n FROM public.employee_scheduled')).rows[0].n).toBe(42);
  });
});

describe('stop and overlap', () => {
  test('stop ends a slow query as stopped within the grace period; the child is gone; the destination is unchanged', async () => {
    await destination.query('CREATE TABLE public.slow_target (marker text)');
    await destination.query(`INSERT INTO public.slow_target VALUES ('before')`);
    const ids = await createSample(admin, destinationUrl, { name: 'Slow', table: 'slow_target', sql: SLOW_SQL });
    const started = await run(ids.scheduleId);
    expect(started.status).toBe(202);
    const id = started.body.id as number;
    await new Promise((r) => setTimeout(r, 2_000)); // the query is now running in Firebird
    const record = JSON.parse(readFileSync(join(cp.etlHome, 'runs', `etl-x-${id}`, 'run.json'), 'utf8')) as { pid: number };
    const stopAt = Date.now();
    const stopped = await operator.agent.post(`/api/v1/executions/${id}/stop`).set('x-csrf-token', operator.csrf);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ id, status: 'stopped', stoppedBy: 'operator@example.com', error: 'Stopped by operator@example.com' });
    const done = await waitForEnd(operator, id);
    expect(Date.now() - stopAt).toBeLessThan(STOP_GRACE_MS);
    expect(done.status).toBe('stopped');
    expect(() => process.kill(record.pid, 0)).toThrow();
    expect((await destination.query('SELECT marker FROM public.slow_target')).rows).toEqual([{ marker: 'before' }]);
  });

  test('20 concurrent run-now requests start exactly one run; 19 get 409; a firing meanwhile is skipped', async () => {
    const ids = await createSample(admin, destinationUrl, { name: 'Overlap', table: 'overlap_target', sql: SLOW_SQL, cron: '30 6 * * *', timeZone: 'UTC', active: true });
    const responses = await Promise.all(Array.from({ length: 20 }, () => run(ids.scheduleId)));
    const accepted = responses.filter((r) => r.status === 202);
    const refused = responses.filter((r) => r.status === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(19);
    const winner = accepted[0]!.body.id as number;
    for (const r of refused) {
      expect(r.body.error.code).toBe('conflict');
      // Zone-free: how long ago by the service clock (fixed here), not an ISO time.
      expect(r.body.error.message).toMatch(new RegExp(`^Schedule "Overlap" is already running \\(execution ${winner}, (started|queued) \\d+ s ago\\); wait for it to finish or stop it first$`));
    }

    clock.advanceTo(new Date('2026-06-01T06:30:30Z'));
    let skipped: Record<string, unknown> | undefined;
    const deadline = Date.now() + 10_000;
    while (!(skipped = (await executionsOf(ids.scheduleId)).find((e) => e.status === 'skipped')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(skipped).toMatchObject({ trigger: 'scheduled', scheduledFor: '2026-06-01T06:30:00.000Z' });
    // "N s ago" counts real seconds here (the service's clock is the real one; only the scheduler's is manual).
    expect(skipped!.error).toMatch(new RegExp(`^Schedule "Overlap" is already running \\(execution ${winner}, started \\d+ s ago\\); wait for it to finish or stop it first$`));

    await operator.agent.post(`/api/v1/executions/${winner}/stop`).set('x-csrf-token', operator.csrf);
    expect((await waitForEnd(operator, winner)).status).toBe('stopped');
    expect((await executionsOf(ids.scheduleId)).map((e) => e.status).sort()).toEqual(['skipped', 'stopped']);
  });
});

describe('bad input never crashes the control plane', () => {
  const cases: [string, Parameters<typeof createSample>[2], RegExp][] = [
    ['an unreachable Firebird host', { name: 'Unreachable', port: 1 }, /^Server unreachable: /],
    ['a wrong password', { name: 'Wrong password', password: 'not-the-password' }, /^Login refused: /],
    ['an SQL syntax error', { name: 'Bad SQL', sql: 'SELECT EMP_NO FROM EMPLOYEE WHERE' }, /^SQL error: /],
  ];
  test.each(cases)('%s fails the execution with a clear error', async (_label, options, error) => {
    const ids = await createSample(admin, destinationUrl, { ...options, table: `bad_${options.name.replace(/\W/g, '_').toLowerCase()}` });
    const res = await run(ids.scheduleId);
    expect(res.status).toBe(202);
    const done = await waitForEnd(operator, res.body.id as number);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(error);
    expect(done.error).not.toContain('not-the-password');
    // The audit log says why, in the same words.
    const finish = await admin.agent.get('/api/v1/audit').query({ action: 'execution.finish', targetType: 'execution', targetId: String(res.body.id) });
    expect(finish.body.items.map((e: { outcome: string; details: { reason: string } }) => [e.outcome, e.details.reason])).toEqual([['failure', done.error]]);
    expect((await operator.agent.get('/healthz')).status).toBe(200);
  });
});

describe('ad hoc and limits', () => {
  test('an ad-hoc run of source + script + destination picked by hand belongs to no schedule', async () => {
    const ids = await createSample(admin, destinationUrl, { name: 'Ad hoc', table: 'employee_adhoc' });
    const res = await operator.agent.post('/api/v1/executions').set('x-csrf-token', operator.csrf).send({ sourceId: ids.sourceId, scriptId: ids.scriptId, destinationId: ids.destinationId });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ scheduleId: null, trigger: 'manual', triggeredBy: 'operator@example.com' });
    // What ran is kept by name: there is no schedule to tell, and ids become null when items are deleted.
    expect(res.body.params).toEqual({ source: 'Ad hoc source', script: 'Ad hoc script', destination: 'Ad hoc destination', maxRuntimeSeconds: 3600 });
    expect(await waitForEnd(operator, res.body.id as number)).toMatchObject({ status: 'succeeded', rowsWritten: 42 });
    // The pages name what ran where a schedule name would be.
    const dashboard = await operator.agent.get('/').query({ kind: 'ad-hoc' });
    expect(dashboard.text).toMatch(new RegExp(`<tr data-id="${res.body.id}">.*?<td>ad hoc: Ad hoc script</td>`, 's'));
    expect((await operator.agent.get(`/executions/${res.body.id}`)).text).toContain('ad hoc: Ad hoc script');
  });

  test('a run longer than the schedule allows is stopped and fails with the reason', async () => {
    const ids = await createSample(admin, destinationUrl, { name: 'Too long', table: 'too_long', sql: SLOW_SQL, maxRuntimeSeconds: 10 });
    const res = await run(ids.scheduleId);
    const done = await waitForEnd(operator, res.body.id as number, 40_000);
    expect(done).toMatchObject({ status: 'failed', error: "exceeded the schedule's maximum run time; the run was stopped" });
  });
});
