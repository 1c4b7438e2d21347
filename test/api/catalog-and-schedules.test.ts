// Catalog and schedule API against a real control plane: validation messages, secrets kept out
// of rows and responses, role checks, CSRF, probes and security headers.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createSample, post } from './support/catalog.js';
import { startTestControlPlane, type TestControlPlane } from './support/control-plane.js';
import { signIn, type SignedIn } from './support/sign-in.js';

let cp: TestControlPlane;
let admin: SignedIn;
let viewer: SignedIn;
const DEST = 'postgres://etl:dest-secret-pw@127.0.0.1:5999/etl_demo';

beforeAll(async () => {
  cp = await startTestControlPlane('api_catalog');
  admin = await signIn(cp.url, 'admin');
  viewer = await signIn(cp.url, 'viewer');
});
afterAll(async () => {
  await cp?.stop();
});

describe('probes and headers', () => {
  test('healthz and readyz answer 200 when the database is migrated', async () => {
    const { agent } = admin;
    expect((await agent.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await agent.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready' });
  });

  test('pages carry a strict CSP and Bootstrap comes from the app', async () => {
    const res = await admin.agent.get('/');
    expect(res.status).toBe(200);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.text).toContain('href="/assets/bootstrap/css/bootstrap.min.css"');
    expect(res.text).not.toMatch(/<script>|style="/);
    const css = await admin.agent.get('/assets/bootstrap/css/bootstrap.min.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
  });

  test('the session cookie is httpOnly and SameSite=Lax', async () => {
    const first = await (await import('supertest')).default(cp.url).get('/login');
    const cookie = (first.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('etl.sid='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  test('unauthenticated: API 401, pages redirect to the login', async () => {
    const anonymous = (await import('supertest')).default(cp.url);
    expect((await anonymous.get('/api/v1/schedules')).status).toBe(401);
    const page = await anonymous.get('/schedules');
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe('/login?returnTo=%2Fschedules');
  });
});

describe('catalog', () => {
  test('a source keeps only a secret reference; the password is in the 0600 secret file', async () => {
    const ids = await createSample(admin, DEST, { name: 'Secrets' });
    const source = (await admin.agent.get(`/api/v1/sources/${ids.sourceId}`)).body;
    expect(source.secretName).toBe(`etl-source-${ids.sourceId}`);
    expect(JSON.stringify(source)).not.toContain('etl-reader-dev');
    const file = join(cp.etlHome, 'secrets', `etl-source-${ids.sourceId}`, 'password');
    expect(readFileSync(file, 'utf8')).toBe('etl-reader-dev');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const destination = (await admin.agent.get(`/api/v1/destinations/${ids.destinationId}`)).body;
    expect(JSON.stringify(destination)).not.toContain('dest-secret-pw');

    const db = new pg.Client({ connectionString: cp.databaseUrl });
    await db.connect();
    const dump = await db.query(`SELECT row_to_json(s)::text AS j FROM sources s UNION ALL SELECT row_to_json(d)::text FROM destinations d UNION ALL SELECT row_to_json(a)::text FROM audit_events a`);
    await db.end();
    const everything = dump.rows.map((r) => r.j as string).join('\n');
    expect(everything).not.toContain('etl-reader-dev');
    expect(everything).not.toContain('dest-secret-pw');
  });

  test('a script must be a SELECT', async () => {
    const sources = (await admin.agent.get('/api/v1/sources')).body.items;
    const res = await admin.agent.post('/api/v1/scripts').set('x-csrf-token', admin.csrf).send({ name: 'bad', sourceId: sources[0].id, sql: 'DELETE FROM EMPLOYEE' });
    expect(res.status).toBe(422);
    expect(res.body.error).toEqual({ code: 'validation', message: 'SQL must be a single SELECT (or WITH … SELECT) statement', details: { field: 'sql' } });
  });

  test('a source in use by a schedule cannot be deleted', async () => {
    const ids = await createSample(admin, DEST, { name: 'InUse' });
    const res = await admin.agent.delete(`/api/v1/sources/${ids.sourceId}`).set('x-csrf-token', admin.csrf);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/^Source "InUse source" is still used: /);
  });
});

describe('schedules', () => {
  let base: { sourceId: number; scriptId: number; destinationId: number };
  beforeAll(async () => {
    const ids = await createSample(admin, DEST, { name: 'Validation' });
    base = { sourceId: ids.sourceId, scriptId: ids.scriptId, destinationId: ids.destinationId };
  });

  test('an invalid cron is refused with a message naming the problem', async () => {
    const res = await admin.agent.post('/api/v1/schedules').set('x-csrf-token', admin.csrf).send({ ...base, name: 'bad cron', cron: '61 * * * *', timeZone: 'UTC' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation');
    expect(res.body.error.details).toEqual({ field: 'cron' });
    expect(res.body.error.message).toMatch(/^Invalid cron expression "61 \* \* \* \*": /);
    expect(res.body.error.message).toMatch(/minute/);
  });

  test('a six-field (seconds) cron is refused', async () => {
    const res = await admin.agent.post('/api/v1/schedules').set('x-csrf-token', admin.csrf).send({ ...base, name: 'seconds', cron: '*/5 * * * * *', timeZone: 'UTC' });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({ field: 'cron' });
  });

  test('an unknown time zone is refused, with a suggestion when only the case is wrong', async () => {
    const unknown = await admin.agent.post('/api/v1/schedules').set('x-csrf-token', admin.csrf).send({ ...base, name: 'tz', cron: '0 3 * * *', timeZone: 'Mars/Olympus_Mons' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toEqual({ code: 'validation', message: 'Time zone "Mars/Olympus_Mons" is not an IANA time zone (use a name such as America/Sao_Paulo or UTC)', details: { field: 'timeZone' } });
    const cased = await admin.agent.post('/api/v1/schedules').set('x-csrf-token', admin.csrf).send({ ...base, name: 'tz', cron: '0 3 * * *', timeZone: 'america/sao_paulo' });
    expect(cased.status).toBe(422);
    expect(cased.body.error.message).toBe('Time zone "america/sao_paulo" is not an IANA time zone (did you mean "America/Sao_Paulo"?)');
  });

  test('a schedule can be edited, deactivated and deleted; each change is audited', async () => {
    const created = await post(admin, '/schedules', { ...base, name: 'Lifecycle', cron: '*/15 * * * *', timeZone: 'Europe/Berlin', active: true });
    const id = created.id as number;
    const updated = await admin.agent.put(`/api/v1/schedules/${id}`).set('x-csrf-token', admin.csrf).send({ ...base, name: 'Lifecycle', cron: '0 6 * * 1-5', timeZone: 'Europe/Berlin' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ cron: '0 6 * * 1-5', timeZone: 'Europe/Berlin', active: true });
    const off = await admin.agent.post(`/api/v1/schedules/${id}/deactivate`).set('x-csrf-token', admin.csrf);
    expect(off.body.active).toBe(false);
    expect((await admin.agent.delete(`/api/v1/schedules/${id}`).set('x-csrf-token', admin.csrf)).status).toBe(204);
    expect((await admin.agent.get(`/api/v1/schedules/${id}`)).status).toBe(404);

    const db = new pg.Client({ connectionString: cp.databaseUrl });
    await db.connect();
    const audit = await db.query(`SELECT actor, action, outcome FROM audit_events WHERE target_type = 'schedule' AND target_id = $1 ORDER BY id`, [String(id)]);
    await db.end();
    expect(audit.rows).toEqual([
      { actor: 'admin@example.com', action: 'schedule.create', outcome: 'success' },
      { actor: 'admin@example.com', action: 'schedule.update', outcome: 'success' },
      { actor: 'admin@example.com', action: 'schedule.deactivate', outcome: 'success' },
      { actor: 'admin@example.com', action: 'schedule.delete', outcome: 'success' },
    ]);
  });

  test('a viewer reads but cannot change or run', async () => {
    expect((await viewer.agent.get('/api/v1/schedules')).status).toBe(200);
    const create = await viewer.agent.post('/api/v1/schedules').set('x-csrf-token', viewer.csrf).send({ ...base, name: 'nope', cron: '0 3 * * *' });
    expect(create.status).toBe(403);
    expect(create.body.error.message).toBe('viewer@example.com (role viewer) may not change schedules');
  });

  test('a state-changing request without the CSRF token is refused', async () => {
    const res = await admin.agent.post('/api/v1/schedules').send({ ...base, name: 'csrf', cron: '0 3 * * *' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf');
  });
});

describe('pages', () => {
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

  test('the schedule form re-renders with the message for an invalid cron, and saves a valid one', async () => {
    const ids = await createSample(admin, DEST, { name: 'Form' });
    const form = await admin.agent.get('/schedules/new');
    expect(form.status).toBe(200);
    const fields = { _csrf: csrfOf(form.text), name: 'Form nightly', sourceId: ids.sourceId, scriptId: ids.scriptId, destinationId: ids.destinationId, timeZone: 'Europe/Lisbon', maxRuntimeSeconds: 600, active: 'true' };
    const bad = await admin.agent.post('/schedules').type('form').send({ ...fields, cron: '0 25 * * *' });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/id="form-error"[^>]*>Invalid cron expression &quot;0 25 \* \* \*&quot;: [^<]*hour/);
    expect(bad.text).toContain('value="Form nightly"');
    const good = await admin.agent.post('/schedules').type('form').send({ ...fields, cron: '30 1 * * *' });
    expect(good.status).toBe(302);
    expect(good.headers.location).toBe('/schedules');
    const list = await admin.agent.get('/schedules');
    expect(list.text).toContain('Schedule &quot;Form nightly&quot; saved');
    expect(list.text).toMatch(/<td>Form nightly<\/td><td><code>30 1 \* \* \*<\/code><\/td><td>Europe\/Lisbon<\/td>/);
  });

  test('a source form never echoes the password back', async () => {
    const form = await admin.agent.get('/sources/new');
    const res = await admin.agent.post('/sources').type('form').send({ _csrf: csrfOf(form.text), name: 'Echo', host: 'bad host!', port: '3050', database: 'employee', user: 'ETL_READER', password: 'do-not-echo-me', charset: 'UTF8', timeZone: 'UTC' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Host &quot;bad host!&quot; is not a host name or IP address');
    expect(res.text).not.toContain('do-not-echo-me');
  });

  test('a viewer sees no Run now / Edit buttons', async () => {
    const page = await viewer.agent.get('/schedules');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('Run now');
    expect(page.text).not.toContain('New schedule');
  });

  test('the session id changes at sign-in', async () => {
    const signedIn = await signIn(cp.url, 'operator');
    const after = await signedIn.agent.get('/api/v1/session');
    expect(after.body.user).toEqual({ userId: expect.any(Number), email: 'operator@example.com', role: 'operator' });
    expect(signedIn.sessionIds).toHaveLength(2); // set at /login (OIDC state), replaced at the callback
    expect(signedIn.sessionIds[1]).not.toBe(signedIn.sessionIds[0]);
  });
});

describe('users', () => {
  test('roles come from the IdP groups; a deactivated user is refused at the next request and at sign-in', async () => {
    const db = new pg.Client({ connectionString: cp.databaseUrl });
    await db.connect();
    try {
      const users = await db.query(`SELECT email, role, active FROM users ORDER BY email`);
      expect(users.rows).toEqual([
        { email: 'admin@example.com', role: 'admin', active: true },
        { email: 'operator@example.com', role: 'operator', active: true },
        { email: 'viewer@example.com', role: 'viewer', active: true },
      ]);
      await db.query(`UPDATE users SET active = false WHERE email = 'viewer@example.com'`);
      expect((await viewer.agent.get('/api/v1/schedules')).status).toBe(401);
      await expect(signIn(cp.url, 'viewer')).rejects.toThrow(/sign-in stuck|not signed in/);
      const refused = await db.query(`SELECT outcome, details->>'reason' AS reason FROM audit_events WHERE action = 'user.sign-in' AND actor = 'viewer@example.com' ORDER BY id DESC LIMIT 1`);
      expect(refused.rows).toEqual([{ outcome: 'refused', reason: 'deactivated' }]);
    } finally {
      await db.query(`UPDATE users SET active = true WHERE email = 'viewer@example.com'`);
      await db.end();
    }
  });
});
