// Per-user permissions through the real app (JSON API and admin pages): what a user sees, runs
// and stops follows their grants; ids they may not see answer exactly like ids that do not exist;
// grants, role changes and refused attempts are audited and the audit log filters them.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { post } from '../api/support/catalog.js';
import { startWorld, type World } from './support/world.js';

let w: World;

beforeAll(async () => {
  w = await startWorld('authz_permissions');
}, 90_000);

afterAll(async () => {
  await w?.cp.stop();
});

const names = (body: { items: { name: string }[] }) => body.items.map((i) => i.name);

async function auditOf(query: Record<string, string>): Promise<{ actor: string; action: string; targetType: string; targetId: string | null; outcome: string; details: Record<string, unknown> }[]> {
  const res = await w.admin.agent.get('/api/v1/audit').query(query);
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('visibility', () => {
  test('lists show only what is granted; admins see everything', async () => {
    expect(names((await w.operator.agent.get('/api/v1/schedules')).body)).toEqual(['Granted']);
    expect(names((await w.viewer.agent.get('/api/v1/sources')).body)).toEqual(['Granted source']);
    expect(names((await w.operator.agent.get('/api/v1/scripts')).body)).toEqual(['Granted script']);
    expect(names((await w.operator.agent.get('/api/v1/destinations')).body)).toEqual(['Granted destination']);
    expect(names((await w.admin.agent.get('/api/v1/schedules')).body)).toEqual(['Granted', 'Hidden']);
  });

  test('an id the user may not see answers 404 exactly like an id that does not exist', async () => {
    const hidden = await w.operator.agent.get(`/api/v1/schedules/${w.notGranted.scheduleId}`);
    const missing = await w.operator.agent.get('/api/v1/schedules/999999');
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(hidden.body).toEqual({ error: { code: 'not-found', message: `Schedule ${w.notGranted.scheduleId} not found` } });
    expect(missing.body).toEqual({ error: { code: 'not-found', message: 'Schedule 999999 not found' } });
    // Not even a viewer's "you may not run this" (403) leaks that it exists.
    const run = await w.viewer.agent.post(`/api/v1/schedules/${w.notGranted.scheduleId}/run`).set('x-csrf-token', w.viewer.csrf);
    expect(run.status).toBe(404);
  });

  test('executions: lists, gets and logs follow the grants; stop refuses a viewer with 403 (audited)', async () => {
    const a = await post(w.admin, `/schedules/${w.granted.scheduleId}/run`, {}, 202);
    const b = await post(w.admin, `/schedules/${w.notGranted.scheduleId}/run`, {}, 202);
    try {
      const list = await w.operator.agent.get('/api/v1/executions');
      expect(list.body.items.map((e: { id: number }) => e.id)).toEqual([a.id]);
      expect((await w.operator.agent.get(`/api/v1/executions/${b.id}`)).status).toBe(404);
      expect((await w.operator.agent.get(`/api/v1/executions/${b.id}/logs`)).status).toBe(404);
      expect((await w.viewer.agent.get(`/api/v1/executions/${a.id}/logs`)).status).toBe(200);
      const refused = await w.viewer.agent.post(`/api/v1/executions/${a.id}/stop`).set('x-csrf-token', w.viewer.csrf);
      expect(refused.status).toBe(403);
      expect((await w.operator.agent.post(`/api/v1/executions/${b.id}/stop`).set('x-csrf-token', w.operator.csrf)).status).toBe(404);
      const events = await auditOf({ user: 'viewer@example.com', action: 'execution.stop' });
      expect(events.map((e) => [e.targetType, e.targetId, e.outcome])).toEqual([['execution', String(a.id), 'refused']]);
      const stopped = await w.operator.agent.post(`/api/v1/executions/${a.id}/stop`).set('x-csrf-token', w.operator.csrf);
      expect([stopped.status, stopped.body.status]).toEqual([200, 'stopped']);
    } finally {
      await w.admin.agent.post(`/api/v1/executions/${a.id}/stop`).set('x-csrf-token', w.admin.csrf);
      await w.admin.agent.post(`/api/v1/executions/${b.id}/stop`).set('x-csrf-token', w.admin.csrf);
    }
  });

  test('forms cannot use items that are not granted: same answer as an unknown id', async () => {
    const hiddenParts = { sourceId: w.notGranted.sourceId, scriptId: w.notGranted.scriptId, destinationId: w.notGranted.destinationId };
    const adHoc = await w.operator.agent.post('/api/v1/executions').set('x-csrf-token', w.operator.csrf).send(hiddenParts);
    expect([adHoc.status, adHoc.body.error.message]).toEqual([422, `Source ${w.notGranted.sourceId} does not exist`]);
    const mixed = await w.operator.agent.post('/api/v1/schedules').set('x-csrf-token', w.operator.csrf)
      .send({ name: 'Mixed', sourceId: w.granted.sourceId, scriptId: w.granted.scriptId, destinationId: w.notGranted.destinationId, cron: '0 1 * * *' });
    expect([mixed.status, mixed.body.error.message]).toEqual([422, `Destination ${w.notGranted.destinationId} does not exist`]);
    const unknown = await w.operator.agent.post('/api/v1/schedules').set('x-csrf-token', w.operator.csrf)
      .send({ name: 'Unknown', sourceId: w.granted.sourceId, scriptId: w.granted.scriptId, destinationId: 999999, cron: '0 1 * * *' });
    expect([unknown.status, unknown.body.error.message]).toEqual([422, 'Destination 999999 does not exist']);
  });
});

describe('grants', () => {
  test('form choices follow the grants: a new grant adds the source with its granted scripts', async () => {
    const before = await w.operator.agent.get('/api/v1/choices');
    expect(before.body).toEqual({
      sources: [{ id: w.granted.sourceId, name: 'Granted source', scripts: [{ id: w.granted.scriptId, name: 'Granted script' }], destinations: [{ id: w.granted.destinationId, name: 'Granted destination' }] }],
    });
    const granted = await w.admin.agent.put(`/api/v1/users/${w.userIds.operator}/permissions`).set('x-csrf-token', w.admin.csrf)
      .send({ sourceIds: [w.granted.sourceId, w.notGranted.sourceId], scriptIds: [w.granted.scriptId, w.notGranted.scriptId], destinationIds: [w.granted.destinationId] });
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({ userId: w.userIds.operator, sourceIds: [w.granted.sourceId, w.notGranted.sourceId].sort((x, y) => x - y), scriptIds: [w.granted.scriptId, w.notGranted.scriptId].sort((x, y) => x - y), destinationIds: [w.granted.destinationId] });
    const after = await w.operator.agent.get('/api/v1/choices');
    expect(after.body.sources.map((s: { name: string; scripts: { name: string }[]; destinations: { name: string }[] }) => [s.name, s.scripts.map((x) => x.name), s.destinations.map((x) => x.name)])).toEqual([
      ['Granted source', ['Granted script'], ['Granted destination']],
      ['Hidden source', ['Hidden script'], ['Granted destination']],
    ]);
    // Source and script granted but not the destination: the Hidden schedule stays invisible.
    expect((await w.operator.agent.get(`/api/v1/schedules/${w.notGranted.scheduleId}`)).status).toBe(404);
    const events = await auditOf({ action: 'permission.update', targetType: 'user', targetId: String(w.userIds.operator) });
    expect(events[0]!.details).toEqual({ added: { sourceIds: [w.notGranted.sourceId], scriptIds: [w.notGranted.scriptId] }, removed: {} });
    // Back to the world's grants.
    const back = await w.admin.agent.delete(`/api/v1/users/${w.userIds.operator}/permissions`).query({ resourceType: 'source', resourceId: w.notGranted.sourceId }).set('x-csrf-token', w.admin.csrf);
    expect(back.status).toBe(204);
    await w.admin.agent.delete(`/api/v1/users/${w.userIds.operator}/permissions`).query({ resourceType: 'script', resourceId: w.notGranted.scriptId }).set('x-csrf-token', w.admin.csrf);
    expect((await w.operator.agent.get('/api/v1/choices')).body).toEqual(before.body);
    const revokes = await auditOf({ action: 'permission.revoke' });
    expect(revokes.map((e) => e.details)).toEqual([{ resourceType: 'script', resourceId: w.notGranted.scriptId }, { resourceType: 'source', resourceId: w.notGranted.sourceId }]);
  });

  test('deleting a catalog item drops its grants', async () => {
    const source = await post(w.admin, '/sources', { name: 'Short-lived source', host: '127.0.0.1', database: 'employee', user: 'ETL_READER', password: 'x' });
    await post(w.admin, `/users/${w.userIds.viewer}/permissions`, { resourceType: 'source', resourceId: source.id }, 201);
    expect((await w.admin.agent.get(`/api/v1/users/${w.userIds.viewer}/permissions`)).body.sourceIds).toEqual([w.granted.sourceId, source.id]);
    expect((await w.admin.agent.delete(`/api/v1/sources/${source.id}`).set('x-csrf-token', w.admin.csrf)).status).toBe(204);
    expect((await w.admin.agent.get(`/api/v1/users/${w.userIds.viewer}/permissions`)).body.sourceIds).toEqual([w.granted.sourceId]);
    const events = await auditOf({ action: 'source.delete', targetId: String(source.id) });
    expect(events.map((e) => e.details)).toEqual([{ name: 'Short-lived source', grantsRevoked: 1 }]);
  });

  test('only admins grant; a refused attempt is audited', async () => {
    const res = await w.operator.agent.post(`/api/v1/users/${w.userIds.operator}/permissions`).set('x-csrf-token', w.operator.csrf).send({ resourceType: 'source', resourceId: w.notGranted.sourceId });
    expect(res.status).toBe(403);
    const events = await auditOf({ user: 'operator@example.com', action: 'permission.grant' });
    expect(events.map((e) => [e.outcome, e.details])).toEqual([['refused', { resourceType: 'source', resourceId: w.notGranted.sourceId, reason: 'role operator may not manage users' }]]);
    const unknown = await w.admin.agent.post(`/api/v1/users/${w.userIds.operator}/permissions`).set('x-csrf-token', w.admin.csrf).send({ resourceType: 'source', resourceId: 999999 });
    expect([unknown.status, unknown.body.error.message]).toEqual([422, 'Source 999999 does not exist']);
    const badType = await w.admin.agent.post(`/api/v1/users/${w.userIds.operator}/permissions`).set('x-csrf-token', w.admin.csrf).send({ resourceType: 'schedule', resourceId: 1 });
    expect(badType.status).toBe(422);
  });
});

describe('users', () => {
  test('admins change roles and activation; not their own; a deactivated user is refused at once', async () => {
    const promote = await w.admin.agent.patch(`/api/v1/users/${w.userIds.viewer2}`).set('x-csrf-token', w.admin.csrf).send({ role: 'operator' });
    expect([promote.status, promote.body.role, promote.body.active]).toEqual([200, 'operator', true]);
    const self = await w.admin.agent.patch(`/api/v1/users/${w.userIds.admin}`).set('x-csrf-token', w.admin.csrf).send({ active: false });
    expect([self.status, self.body.error.code]).toEqual([409, 'conflict']);
    const byOperator = await w.operator.agent.patch(`/api/v1/users/${w.userIds.viewer2}`).set('x-csrf-token', w.operator.csrf).send({ role: 'admin' });
    expect(byOperator.status).toBe(403);
    expect((await w.deactivated.agent.get('/api/v1/schedules')).status).toBe(401);
    const events = await auditOf({ targetType: 'user', targetId: String(w.userIds.viewer2), action: 'user.update' });
    expect(events.map((e) => [e.actor, e.action, e.outcome])).toEqual([
      ['operator@example.com', 'user.update', 'refused'],
      ['admin@example.com', 'user.update', 'success'],
    ]);
    await w.admin.agent.patch(`/api/v1/users/${w.userIds.viewer2}`).set('x-csrf-token', w.admin.csrf).send({ role: 'viewer' });
  });
});

describe('audit log filters', () => {
  test('by user, action prefix, target and date range', async () => {
    const deactivations = await auditOf({ action: 'user.deactivate' });
    expect(deactivations.map((e) => [e.actor, e.targetId, e.outcome])).toEqual([
      ['admin@example.com', String(w.userIds.admin), 'refused'],
      ['admin@example.com', String(w.userIds.operator2), 'success'],
    ]);
    const signIns = await auditOf({ user: 'VIEWER@example.com', action: 'user.sign-in' });
    expect(signIns.map((e) => e.actor)).toEqual(['viewer@example.com']);
    const today = new Date().toISOString().slice(0, 10);
    expect((await auditOf({ action: 'user.deactivate', from: today, to: today })).length).toBe(2);
    expect((await auditOf({ action: 'user.deactivate', to: '2020-01-01' })).length).toBe(0);
    const schedules = await auditOf({ action: 'schedule.', targetType: 'schedule', targetId: String(w.notGranted.scheduleId) });
    expect(schedules.map((e) => e.action)).toEqual(['schedule.create']);
    const backwards = await w.admin.agent.get('/api/v1/audit').query({ from: '2026-02-01', to: '2026-01-01' });
    expect([backwards.status, backwards.body.error.field]).toEqual([422, undefined]);
    expect(backwards.body.error.message).toBe('The start of the date range must be before its end');
    expect((await w.operator.agent.get('/api/v1/audit')).status).toBe(403);
  });
});

describe('admin pages', () => {
  test('users page lists everyone with role and status; viewers get 403', async () => {
    const page = await w.admin.agent.get('/admin/users');
    expect(page.status).toBe(200);
    const rows = [...page.text.matchAll(/<tr data-email="([^"]+)">[\s\S]*?<option value="(\w+)" selected[\s\S]*?<option value="(true|false)" selected/g)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual([
      ['admin@example.com', 'admin', 'true'],
      ['operator2@example.com', 'operator', 'false'],
      ['operator@example.com', 'operator', 'true'],
      ['viewer2@example.com', 'viewer', 'true'],
      ['viewer@example.com', 'viewer', 'true'],
    ]);
    expect((await w.viewer.agent.get('/admin/users')).status).toBe(403);
    expect((await w.operator.agent.get('/admin/audit')).status).toBe(403);
  });

  test('permissions editor: checkboxes show the grants; saving replaces them with a flash message', async () => {
    const url = `/admin/users/${w.userIds.viewer2}/permissions`;
    const empty = await w.admin.agent.get(url);
    expect(empty.status).toBe(200);
    expect(empty.text.match(/<input[^>]* checked/g)).toBeNull();
    const saved = await w.admin.agent.post(url).type('form').send(`_csrf=${encodeURIComponent(w.admin.csrf)}&sourceIds=${w.granted.sourceId}&scriptIds=${w.granted.scriptId}&destinationIds=${w.granted.destinationId}&destinationIds=${w.notGranted.destinationId}`);
    expect([saved.status, saved.headers.location]).toEqual([302, url]);
    const after = await w.admin.agent.get(url);
    expect(after.text).toContain('Permissions saved: 1 sources, 1 scripts, 2 destinations');
    const checked = [...after.text.matchAll(/id="(\w+-\d+)"[^>]*checked/g)].map((m) => m[1]);
    expect(checked.sort()).toEqual([`destinationIds-${w.granted.destinationId}`, `destinationIds-${w.notGranted.destinationId}`, `scriptIds-${w.granted.scriptId}`, `sourceIds-${w.granted.sourceId}`].sort());
    const grants = await w.admin.agent.get(`/api/v1/users/${w.userIds.viewer2}/permissions`);
    expect(grants.body.destinationIds).toEqual([w.granted.destinationId, w.notGranted.destinationId].sort((x, y) => x - y));
  });

  test('audit page filters by user, action, target and date, with times in the viewer zone', async () => {
    (w.admin.agent as unknown as { jar: { setCookie(c: string, domain: string, path: string): void } }).jar.setCookie('tz=America/Sao_Paulo', '127.0.0.1', '/');
    const page = await w.admin.agent.get('/admin/audit').query({ user: 'admin@example.com', action: 'user.deactivate', targetType: 'user', targetId: String(w.userIds.operator2), from: new Date().toISOString().slice(0, 10) });
    expect(page.status).toBe(200);
    const rows = [...page.text.matchAll(/<tr><td class="text-nowrap">([^<]+)<\/td><td>([^<]+)<\/td><td><code>([^<]+)<\/code>/g)].map((m) => [m[2], m[3]]);
    expect(rows).toEqual([['admin@example.com', 'user.deactivate']]);
    expect(page.text).toMatch(/<td class="text-nowrap">\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(UTC-03:00\)<\/td>/);
    expect(page.text).toContain('From (America/Sao_Paulo)');
    const bad = await w.admin.agent.get('/admin/audit').query({ from: 'yesterday' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('from must be a date (YYYY-MM-DD)');
  });
});
