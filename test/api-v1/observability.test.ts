// Issue 6: structured logs without secrets, execution logs through the API and the page,
// /healthz, /readyz (pending migrations named), /metrics fed by real runs, API tokens.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { paths } from '../../services/api/src/paths.js';
import { connect } from '../../services/api/src/adapters/db/database.js';
import { createMigrator, MIGRATION_NAMES } from '../../services/api/src/adapters/db/migrator.js';
import { createTestDatabase } from '../support/postgres.js';
import { firebird } from '../support/firebird.js';
import { createSample, waitForEnd, type SampleIds } from '../api/support/catalog.js';
import { signIn, type SignedIn } from '../api/support/sign-in.js';
import { parsedLines, SESSION_SECRET, startLoggedControlPlane, type LoggedControlPlane } from './support/control-plane.js';

let cp: LoggedControlPlane;
let admin: SignedIn;
let viewer: SignedIn;
let sample: SampleIds;
let executionId: number;
let apiToken: string;
const FIREBIRD_PASSWORD = firebird.readerPassword;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(async () => {
  if (!existsSync(paths.extractorMain())) throw new Error(`${paths.extractorMain()} is missing: run \`npm run build\` first`);
  cp = await startLoggedControlPlane('issue6_obs');
  admin = await signIn(cp.url, 'admin');
  viewer = await signIn(cp.url, 'viewer');
  const destinationUrl = await createTestDatabase('issue6_dest');
  sample = await createSample(admin, destinationUrl, { name: 'issue6 employee' });
  const run = await admin.agent.post(`/api/v1/schedules/${sample.scheduleId}/run`).set('x-csrf-token', admin.csrf);
  expect(run.status).toBe(202);
  executionId = run.body.id as number;
  expect((await waitForEnd(admin, executionId)).status).toBe('succeeded');
}, 120_000);

afterAll(async () => {
  await cp?.stop();
});

describe('execution logs', () => {
  test('GET /api/v1/executions/:id/logs returns parsed lines of the captured output', async () => {
    const res = await admin.agent.get(`/api/v1/executions/${executionId}/logs`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, source: 'local', executionId, status: 'succeeded', active: false });
    const lines = res.body.lines as { time: string; severity: string; message: string }[];
    expect(lines.length).toBeGreaterThan(2);
    expect(res.body.next).toBe(lines.length);
    expect(lines.every((l) => typeof l.message === 'string' && ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL'].includes(l.severity))).toBe(true);
    expect(res.body.consoleUrl).toBeUndefined(); // local mode: no Cloud Logging link
    // `since` skips lines already shown (live follow).
    const rest = await admin.agent.get(`/api/v1/executions/${executionId}/logs?since=2`);
    expect(rest.body.lines).toEqual(lines.slice(2));
  });

  test('severity filter keeps only lines at or above it; an unknown severity is a 422', async () => {
    const all = (await admin.agent.get(`/api/v1/executions/${executionId}/logs`)).body.lines as { severity: string }[];
    const notice = await admin.agent.get(`/api/v1/executions/${executionId}/logs?severity=NOTICE`);
    const expected = all.filter((l) => ['NOTICE', 'WARNING', 'ERROR', 'CRITICAL'].includes(l.severity));
    expect(notice.body.lines).toEqual(expected);
    const bad = await admin.agent.get(`/api/v1/executions/${executionId}/logs?severity=LOUD`);
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({ error: { code: 'validation', message: 'unknown severity "LOUD": use one of DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL', details: { field: 'severity' } } });
  });

  test('the execution page shows the lines and the severity filter', async () => {
    const page = await admin.agent.get(`/executions/${executionId}?severity=ERROR`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="severity"');
    expect(page.text).toContain('<option value="ERROR" selected>ERROR and above</option>');
    expect(page.text).not.toContain('id="log-unavailable"');
  });

  test('unknown execution: 404 JSON error', async () => {
    const res = await admin.agent.get('/api/v1/executions/999999/logs');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'not-found', message: 'Execution 999999 not found' } });
  });
});

describe('probes and metrics', () => {
  test('/healthz and /readyz answer without a session', async () => {
    expect((await request(cp.url).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(cp.url).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: { ok: true }, migrations: { ok: true, pending: [] }, runtime: { ok: true, kind: 'local' } } });
  });

  test('/metrics counts the finished run by status and trigger, its rows and duration', async () => {
    const res = await request(cp.url).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('etl_monitor_executions_total{status="succeeded",trigger="manual"} 1');
    expect(res.text).toContain('etl_monitor_executions_total{status="failed",trigger="manual"} 0');
    expect(res.text).toContain(`etl_monitor_execution_rows_count{schedule="${sample.scheduleId}"} 1`);
    expect(res.text).toContain(`etl_monitor_execution_rows_sum{schedule="${sample.scheduleId}"} 42`);
    expect(res.text).toContain(`etl_monitor_execution_duration_seconds_count{schedule="${sample.scheduleId}"} 1`);
    expect(res.text).toContain('etl_monitor_leader 1'); // the local runtime's single process leads
  });
});

describe('personal API tokens', () => {
  test('created once (secret shown once, stored hashed), listed by prefix only', async () => {
    const created = await admin.agent.post('/api/v1/tokens').set('x-csrf-token', admin.csrf).send({ name: 'ci script' });
    expect(created.status).toBe(201);
    apiToken = created.body.token as string;
    expect(apiToken).toMatch(/^etl_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.prefix).toBe(apiToken.slice(0, 12));
    const list = await admin.agent.get('/api/v1/tokens');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ name: 'ci script', prefix: created.body.prefix, revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(apiToken);
    expect(JSON.stringify(list.body)).not.toContain('tokenHash');
  });

  test('a token request acts as its owner without cookie or CSRF; session requests still need CSRF', async () => {
    const anonymous = request(cp.url);
    const me = await anonymous.get('/api/v1/users/me').set('Authorization', `Bearer ${apiToken}`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'admin@example.com', role: 'admin' });
    expect(me.headers['set-cookie']).toBeUndefined();
    const run = await anonymous.post(`/api/v1/schedules/${sample.scheduleId}/deactivate`).set('Authorization', `Bearer ${apiToken}`);
    expect(run.status).toBe(200);
    const noCsrf = await admin.agent.post(`/api/v1/schedules/${sample.scheduleId}/deactivate`);
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf');
  });

  test('token use is audited (one event per token per minute)', async () => {
    await request(cp.url).get('/api/v1/executions').set('Authorization', `Bearer ${apiToken}`);
    const audit = await admin.agent.get('/api/v1/audit?limit=200');
    const uses = (audit.body.items as { action: string; actor: string }[]).filter((e) => e.action === 'token.use');
    expect(uses).toHaveLength(1);
    expect(uses[0]!.actor).toBe('admin@example.com');
  });

  test('bad, unknown and revoked tokens: 401 with a JSON error', async () => {
    const anonymous = request(cp.url);
    const malformed = await anonymous.get('/api/v1/executions').set('Authorization', 'Basic abc');
    expect(malformed.status).toBe(401);
    expect(malformed.body).toEqual({ error: { code: 'unauthenticated', message: 'Authorization must be "Bearer etl_…" (a personal API token)' } });
    const unknown = await anonymous.get('/api/v1/executions').set('Authorization', `Bearer etl_00000000_${'A'.repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe('The API token is invalid, expired or revoked');
    const id = ((await admin.agent.get('/api/v1/tokens')).body.items[0] as { id: number }).id;
    expect((await admin.agent.delete(`/api/v1/tokens/${id}`).set('x-csrf-token', admin.csrf)).status).toBe(200);
    expect((await anonymous.get('/api/v1/executions').set('Authorization', `Bearer ${apiToken}`)).status).toBe(401);
  });

  test('viewer: no audit log, no users list; sees own permissions', async () => {
    expect((await viewer.agent.get('/api/v1/audit')).status).toBe(403);
    expect((await viewer.agent.get('/api/v1/users')).status).toBe(403);
    const permissions = await viewer.agent.get('/api/v1/permissions');
    expect(permissions.body.you).toEqual({ email: 'viewer@example.com', role: 'viewer', actions: ['read'] });
  });
});

describe('structured logs', () => {
  test('every line is Cloud Logging JSON; access lines carry httpRequest; audit events are logged', () => {
    const entries = parsedLines(cp.logLines);
    expect(entries.every((e) => typeof e.severity === 'string' && typeof e.message === 'string' && typeof e.time === 'string')).toBe(true);
    const access = entries.find((e) => (e.httpRequest as { requestUrl?: string } | undefined)?.requestUrl === `/api/v1/executions/${executionId}/logs`);
    expect(access).toMatchObject({ severity: 'INFO', httpRequest: { requestMethod: 'GET', status: 200 } });
    const audit = entries.find((e) => (e.audit as { action?: string } | undefined)?.action === 'execution.run');
    expect(audit).toMatchObject({ severity: 'NOTICE', audit: { actor: 'admin@example.com', targetType: 'execution', targetId: String(executionId), outcome: 'success' } });
    expect(entries.find((e) => (e.audit as { action?: string } | undefined)?.action === 'token.create')).toBeDefined();
  });

  test('no secret appears in any control-plane log line or the extractor output', () => {
    const dbPassword = decodeURIComponent(new URL(cp.databaseUrl).password);
    const secrets = { SESSION_SECRET, FIREBIRD_PASSWORD, apiToken, ...Object.fromEntries(cp.addedSecrets.map((s, i) => [`added${i}`, s])) };
    expect(cp.addedSecrets.length).toBe(1); // the dev IdP's OIDC client secret
    if (dbPassword) Object.assign(secrets, { dbPassword });
    const extractorOutput = filesUnder(cp.etlHome).filter((f) => !f.includes('secrets')).map((f) => readFileSync(f, 'utf8'));
    expect(cp.logLines.length).toBeGreaterThan(20);
    expect(extractorOutput.join('\n')).toContain(`"etl_monitor_execution":"${executionId}"`);
    for (const [name, value] of Object.entries(secrets)) {
      for (const line of [...cp.logLines, ...extractorOutput]) {
        if (line.includes(value)) throw new Error(`${name} appears in a log line: ${line.slice(0, 200)}`);
      }
    }
  });
});

test('/readyz: 503 naming the pending migration', async () => {
  const databaseUrl = await createTestDatabase('issue6_pending');
  const sequelize = connect(databaseUrl, { poolMax: 1 });
  // Every migration but the newest applied: readiness names exactly that one.
  const newest = MIGRATION_NAMES[MIGRATION_NAMES.length - 1]!;
  await createMigrator(sequelize).up({ to: MIGRATION_NAMES[MIGRATION_NAMES.length - 2]! });
  await sequelize.close();
  const { createControlPlane } = await import('../../services/api/src/bootstrap/control-plane.js');
  const plane = await createControlPlane({ ...cp.config, databaseUrl }, { log: { info: () => {}, error: () => {} } });
  try {
    const report = await plane.readiness();
    expect(report).toEqual({ ready: false, checks: { database: { ok: true }, migrations: { ok: false, pending: [newest] }, runtime: { ok: true, kind: 'local' } } });
  } finally {
    await plane.close();
  }
});

test('logs that cannot be read: API says why, the page still shows the summary and the reason', async () => {
  const unreadable = await startLoggedControlPlane('issue6_unreadable', {
    logs: { read: async () => ({ ok: false, reason: 'permission-denied', message: 'Cloud Logging refused to list entries: grant roles/logging.viewer to the control plane service account.' }) },
  });
  try {
    const who = await signIn(unreadable.url, 'admin');
    const ids = await createSample(who, await createTestDatabase('issue6_dest2'), { name: 'unreadable' });
    const run = await who.agent.post(`/api/v1/schedules/${ids.scheduleId}/run`).set('x-csrf-token', who.csrf);
    const ended = await waitForEnd(who, run.body.id as number);
    const api = await who.agent.get(`/api/v1/executions/${run.body.id}/logs`);
    expect(api.status).toBe(200);
    expect(api.body).toEqual({ ok: false, reason: 'permission-denied', message: 'Cloud Logging refused to list entries: grant roles/logging.viewer to the control plane service account.', executionId: run.body.id, status: ended.status, active: false });
    const page = await who.agent.get(`/executions/${run.body.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<span class="badge text-bg-success" id="status">succeeded</span>`);
    expect(page.text).toContain('data-reason="permission-denied"');
    expect(page.text).toContain('grant roles/logging.viewer to the control plane service account.');
  } finally {
    await unreadable.stop();
  }
}, 120_000);
