// The authorization matrix: EVERY route of the real app (read from its Express router stacks, so
// a new route fails this test until it gets a row here) × role (admin, operator, viewer, a
// deactivated user) × object granted / not granted, asserting the exact status of each cell.
//
// Rules the rows encode:
// - an object the user may not see is 404 (never 403: ids do not leak); visible but not allowed
//   (viewer running, operator editing the catalog) is 403; admin-only features are 403;
// - catalog ids in a form body that are not granted answer 422 "does not exist" (like unknown ids);
// - page form posts redirect (302) with a flash message: "success" or "danger";
// - a deactivated user is signed out at the next request: API 401, page GET → 302 to /login,
//   page POST 401.
// State-changing cells that succeed work on fresh objects (created by the admin just before) or
// undo themselves (runs are stopped), so every cell sees the same world.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { SignedIn } from '../api/support/sign-in.js';
import { signIn } from '../api/support/sign-in.js';
import { post, type SampleIds } from '../api/support/catalog.js';
import { appRoutes } from './support/routes.js';
import { grantAll, startWorld, UNUSED_DESTINATION_URL, type World } from './support/world.js';

type Role = 'admin' | 'operator' | 'viewer' | 'deactivated';
const ROLES: Role[] = ['admin', 'operator', 'viewer', 'deactivated'];
/** A status, or a page form post's redirect (302/303) with its flash kind. */
type Cell = number | `${302 | 303} ${'success' | 'danger'}` | '302 login';

/** The objects one cell works on: world A (granted) or B (not granted), some made fresh. */
interface Target extends SampleIds {
  executionId: number;
  userId: number;
  tokenId: number;
  name: string;
}

interface Row {
  /** Fresh object made by the admin for this cell (the cell may delete or stop it). */
  fresh?: 'schedule' | 'source' | 'script' | 'destination' | 'execution' | 'grant' | 'token';
  path?: (t: Target) => string;
  body?: (t: Target) => Record<string, unknown> | Promise<Record<string, unknown>>;
  expect: (role: Exclude<Role, 'deactivated'>, granted: boolean) => Cell;
  /** The cell started a run: stop it so the next cell finds the schedule idle. */
  startsRun?: boolean;
}

let w: World;
let viewer2: SignedIn;
let unique = 0;
const next = (what: string) => `${what} ${++unique}`;

// ---- expectation shorthands ---------------------------------------------------------------
const all = (cell: Cell) => () => cell;
const adminOnly = (ok: Cell, refused: Cell = 403) => (r: Role) => (r === 'admin' ? ok : refused);
/** Readable by anyone it is granted to. */
const readable = (ok: Cell) => (r: Role, g: boolean) => (r === 'admin' || g ? ok : 404);
/** Changed by admins; others: visible → 403, invisible → 404. */
const catalogWrite = (ok: Cell) => (r: Role, g: boolean) => (r === 'admin' ? ok : g ? 403 : 404);
/** Schedules and runs: admins, and operators on what is granted. */
const operate = (ok: Cell) => (r: Role, g: boolean) => (r === 'admin' ? ok : !g ? 404 : r === 'operator' ? ok : 403);
/** Page form posts (action): success flash for who may, danger flash otherwise. */
const pageOperate = (r: Role, g: boolean): Cell => (r === 'admin' || (r === 'operator' && g) ? '302 success' : '302 danger');
const pageAdminAction = (r: Role): Cell => (r === 'admin' ? '302 success' : '302 danger');

// ---- bodies -------------------------------------------------------------------------------
const sourceBody = (name: string) => ({ name, host: '127.0.0.1', port: 3050, database: 'employee', user: 'ETL_READER', password: 'x', charset: 'UTF8' });
const scriptBody = (name: string, t: Target) => ({ name, sourceId: t.sourceId, sql: 'SELECT 1 AS N FROM RDB$DATABASE' });
const destinationBody = (name: string) => ({ name, kind: 'postgres', schema: 'public', table: 't', writeMode: 'truncate', connectionUrl: UNUSED_DESTINATION_URL });
const scheduleBody = (name: string, t: Target) => ({ name, sourceId: t.sourceId, scriptId: t.scriptId, destinationId: t.destinationId, cron: '0 3 * * *', timeZone: 'UTC', active: false });
/** The item as it is (what an edit form posts back unchanged). */
const current = (kind: string, id: (t: Target) => number) => async (t: Target) => {
  const res = await w.admin.agent.get(`/api/v1/${kind}/${id(t)}`);
  const { id: _id, secretName: _s, createdAt: _c, updatedAt: _u, createdBy: _b, ...fields } = res.body as Record<string, unknown>;
  return fields;
};

const CATALOG = [
  { kind: 'sources', fresh: 'source', id: (t: Target) => t.sourceId, body: (t: Target) => sourceBody(next('Source')) },
  { kind: 'scripts', fresh: 'script', id: (t: Target) => t.scriptId, body: (t: Target) => scriptBody(next('Script'), t) },
  { kind: 'destinations', fresh: 'destination', id: (t: Target) => t.destinationId, body: (t: Target) => destinationBody(next('Destination')) },
] as const;

function rows(): Record<string, Row> {
  const r: Record<string, Row> = {
    // Probes, assets and the public signed-out page: the same for everyone.
    'GET /healthz': { expect: all(200) },
    'GET /readyz': { expect: all(200) },
    'GET /metrics': { expect: all(200) },
    'GET /favicon.ico': { expect: all(204) },
    'GET /signed-out': { expect: all(200) },

    'GET /api/v1/openapi.json': { expect: all(200) },
    'GET /api/v1/session': { expect: all(200) },
    'GET /api/v1/schedules/preview': { path: () => '/api/v1/schedules/preview?cron=0%203%20*%20*%20*&timeZone=UTC', expect: all(200) },
    'GET /api/v1/schedules': { expect: all(200) },
    'POST /api/v1/schedules': { body: (t) => scheduleBody(next('Schedule'), t), expect: (role, g) => (role === 'viewer' ? 403 : role === 'operator' && !g ? 422 : 201) },
    'GET /api/v1/schedules/:id': { expect: readable(200) },
    'PUT /api/v1/schedules/:id': { body: current('schedules', (t) => t.scheduleId), expect: operate(200) },
    'DELETE /api/v1/schedules/:id': { fresh: 'schedule', expect: operate(204) },
    'POST /api/v1/schedules/:id/activate': { expect: operate(200) },
    'POST /api/v1/schedules/:id/deactivate': { expect: operate(200) },
    'POST /api/v1/schedules/:id/run': { expect: operate(202), startsRun: true },
    'GET /api/v1/executions': { expect: all(200) },
    'POST /api/v1/executions': { body: (t) => ({ sourceId: t.sourceId, scriptId: t.scriptId, destinationId: t.destinationId }), expect: (role, g) => (role === 'viewer' ? 403 : role === 'operator' && !g ? 422 : 202), startsRun: true },
    'GET /api/v1/executions/:id': { expect: readable(200) },
    'POST /api/v1/executions/:id/stop': { fresh: 'execution', expect: operate(200) },
    'POST /api/v1/sources/test': { body: () => sourceBody(next('Unsaved source')), expect: adminOnly(200) },
    'POST /api/v1/sources/:id/test': { expect: operate(200) },
    'POST /api/v1/scripts/:id/preview': { expect: operate(200) },
    'GET /api/v1/executions/:id/logs': { expect: readable(200) },
    'GET /api/v1/users': { expect: adminOnly(200) },
    'GET /api/v1/users/me': { expect: all(200) },
    'GET /api/v1/users/:id': { path: (t) => `/api/v1/users/${t.userId}`, expect: adminOnly(200) },
    'PATCH /api/v1/users/:id': { path: (t) => `/api/v1/users/${t.userId}`, body: () => ({ role: 'viewer', active: true }), expect: adminOnly(200) },
    'GET /api/v1/users/:id/permissions': { path: (t) => `/api/v1/users/${t.userId}/permissions`, expect: adminOnly(200) },
    'PUT /api/v1/users/:id/permissions': { path: (t) => `/api/v1/users/${t.userId}/permissions`, body: (t) => ({ sourceIds: [t.sourceId], scriptIds: [], destinationIds: [] }), expect: adminOnly(200) },
    'POST /api/v1/users/:id/permissions': { path: (t) => `/api/v1/users/${t.userId}/permissions`, body: (t) => ({ resourceType: 'script', resourceId: t.scriptId }), expect: adminOnly(201) },
    'DELETE /api/v1/users/:id/permissions': { fresh: 'grant', path: (t) => `/api/v1/users/${t.userId}/permissions?resourceType=destination&resourceId=${t.destinationId}`, expect: adminOnly(204) },
    'GET /api/v1/permissions': { expect: all(200) },
    'GET /api/v1/choices': { expect: all(200) },
    'GET /api/v1/audit': { expect: adminOnly(200) },
    'GET /api/v1/tokens': { expect: all(200) },
    'POST /api/v1/tokens': { body: () => ({ name: next('token') }), expect: all(201) },
    // Granted = the caller's own token; not granted = someone else's (admins may revoke any).
    'DELETE /api/v1/tokens/:id': { fresh: 'token', path: (t) => `/api/v1/tokens/${t.tokenId}`, expect: readable(200) },

    // Pages (5b's router): reads render, form posts redirect with a flash message or re-render
    // the form with the domain's status.
    'GET /': { expect: all(200) },
    'GET /executions/:id': { expect: readable(200) },
    'GET /executions/:id/logs': { expect: readable(200) },
    'POST /executions/:id/stop': { fresh: 'execution', expect: pageOperate },
    'GET /schedules': { expect: all(200) },
    'GET /schedules/new': { expect: all(200) },
    'GET /schedules/:id/edit': { expect: readable(200) },
    'POST /schedules': { body: (t) => scheduleBody(next('Schedule'), t), expect: (role, g) => (role === 'viewer' ? 403 : role === 'operator' && !g ? 422 : '302 success') },
    'POST /schedules/:id': { body: current('schedules', (t) => t.scheduleId), expect: operate('302 success') },
    'POST /schedules/:id/delete': { fresh: 'schedule', expect: pageOperate },
    'POST /schedules/:id/activate': { expect: pageOperate },
    'POST /schedules/:id/deactivate': { expect: pageOperate },
    'POST /schedules/:id/run': { expect: pageOperate, startsRun: true },
    'GET /schedules/preview': { path: () => '/schedules/preview?cron=0%203%20*%20*%20*&timeZone=UTC', expect: all(200) },
    'GET /run': { expect: all(200) },
    'POST /run': { body: (t) => ({ sourceId: t.sourceId, scriptId: t.scriptId, destinationId: t.destinationId }), expect: pageOperate, startsRun: true },
    'GET /catalog': { expect: all(200) },
    // Catalog checks (Firebird, real): admins, and operators on what is granted; viewers 403. The page renders the result.
    'POST /sources/test': { body: () => sourceBody(next('Unsaved source')), expect: adminOnly(200) },
    'POST /sources/:id/test': { expect: operate(200) },
    'POST /scripts/:id/preview': { expect: operate(200) },

    // Admin pages (5a's router).
    'GET /admin/users': { expect: adminOnly(200) },
    'POST /admin/users/:id': { path: (t) => `/admin/users/${t.userId}`, body: () => ({ role: 'viewer', active: 'true' }), expect: adminOnly('302 success') },
    'GET /admin/users/:id/permissions': { path: (t) => `/admin/users/${t.userId}/permissions`, expect: adminOnly(200) },
    'POST /admin/users/:id/permissions': { path: (t) => `/admin/users/${t.userId}/permissions`, body: (t) => ({ sourceIds: String(t.sourceId) }), expect: adminOnly('302 success') },
    'GET /admin/audit': { expect: adminOnly(200) },

    // API tokens page (issue 6's router): everyone manages their own tokens.
    'GET /tokens': { expect: all(200) },
    'POST /tokens': { body: () => ({ name: next('page token') }), expect: all(201) },
    'POST /tokens/:id/revoke': { fresh: 'token', path: (t) => `/tokens/${t.tokenId}/revoke`, expect: (r, g) => (r === 'admin' || g ? '303 success' : '303 danger') },
  };
  for (const c of CATALOG) {
    r[`GET /api/v1/${c.kind}`] = { expect: all(200) };
    r[`POST /api/v1/${c.kind}`] = { body: c.body, expect: adminOnly(201) };
    r[`GET /api/v1/${c.kind}/:id`] = { expect: readable(200) };
    r[`PUT /api/v1/${c.kind}/:id`] = { body: current(c.kind, c.id), expect: catalogWrite(200) };
    r[`DELETE /api/v1/${c.kind}/:id`] = { fresh: c.fresh, expect: catalogWrite(204) };
    r[`GET /${c.kind}/new`] = { expect: all(200) };
    r[`GET /${c.kind}/:id/edit`] = { expect: readable(200) };
    r[`POST /${c.kind}`] = { body: c.body, expect: adminOnly('302 success') };
    r[`POST /${c.kind}/:id`] = { body: current(c.kind, c.id), expect: catalogWrite('302 success') };
    r[`POST /${c.kind}/:id/delete`] = { fresh: c.fresh, expect: pageAdminAction };
  }
  return r;
}

/** Routes of the sign-in flow itself: covered by c17-*.test.ts and session-security.test.ts. */
const SIGN_IN_FLOW = ['GET /login', 'GET /auth/callback', 'POST /logout'];

function fill(pattern: string, t: Target): string {
  const id = (m: string) => {
    if (pattern.includes('/executions/')) return t.executionId;
    if (pattern.includes('/schedules/')) return t.scheduleId;
    if (pattern.includes('/sources/')) return t.sourceId;
    if (pattern.includes('/scripts/')) return t.scriptId;
    if (pattern.includes('/destinations/')) return t.destinationId;
    throw new Error(`no id for ${m} in ${pattern}`);
  };
  return pattern.replace(/:id/g, (m) => String(id(m)));
}

async function stopRun(executionId: number): Promise<void> {
  const res = await w.admin.agent.post(`/api/v1/executions/${executionId}/stop`).set('x-csrf-token', w.admin.csrf);
  if (res.status !== 200 && res.status !== 409) throw new Error(`cleanup stop ${executionId}: ${res.status} ${res.text}`);
}

/** A schedule of the world's parts, run once and stopped: an execution everyone in that world may read. */
async function finishedExecution(scheduleId: number): Promise<number> {
  const run = await post(w.admin, `/schedules/${scheduleId}/run`, {}, 202);
  await stopRun(run.id as number);
  return run.id as number;
}

async function makeFresh(kind: NonNullable<Row['fresh']>, base: Target, granted: boolean, role: Role): Promise<Target> {
  const t = { ...base };
  const grantTo = async (type: 'source' | 'script' | 'destination', id: number) => {
    if (!granted) return;
    for (const userId of [w.userIds.operator, w.userIds.viewer]) await post(w.admin, `/users/${userId}/permissions`, { resourceType: type, resourceId: id }, 201);
  };
  switch (kind) {
    case 'schedule':
    case 'execution': {
      t.scheduleId = (await post(w.admin, '/schedules', scheduleBody(next('Fresh schedule'), t))).id as number;
      if (kind === 'execution') t.executionId = (await post(w.admin, `/schedules/${t.scheduleId}/run`, {}, 202)).id as number;
      return t;
    }
    case 'source':
    case 'script':
    case 'destination': {
      const body = { source: sourceBody, script: (name: string) => scriptBody(name, t), destination: destinationBody }[kind](next(`Fresh ${kind}`));
      const id = (await post(w.admin, `/${kind}s`, body)).id as number;
      t[`${kind}Id`] = id;
      await grantTo(kind, id);
      return t;
    }
    case 'grant':
      await post(w.admin, `/users/${t.userId}/permissions`, { resourceType: 'destination', resourceId: t.destinationId }, 201);
      return t;
    case 'token': {
      const owner = granted && role !== 'deactivated' ? agentOf(role) : viewer2;
      t.tokenId = (await post(owner, '/tokens', { name: next('fresh token') }, 201)).id as number;
      return t;
    }
  }
}

function agentOf(role: Role): SignedIn {
  return role === 'deactivated' ? w.deactivated : w[role];
}

async function run(key: string, row: Row, role: Role, granted: boolean): Promise<Cell> {
  const [method, pattern] = key.split(' ') as [string, string];
  const world = granted ? w.granted : w.notGranted;
  let t: Target = { ...world, executionId: granted ? grantedExecution : hiddenExecution, userId: w.userIds.viewer2, tokenId: 0, name: '' };
  if (row.fresh) t = await makeFresh(row.fresh, t, granted, role);
  const who = agentOf(role);
  const path = row.path ? row.path(t) : fill(pattern, t);
  const body = row.body ? await row.body(t) : undefined;
  let req = who.agent[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path);
  if (method !== 'GET') req = req.set('x-csrf-token', who.csrf);
  if (!path.startsWith('/api/')) req = req.set('Accept', 'text/html');
  if (body) req = path.startsWith('/api/') ? req.send(body) : req.type('form').send(body);
  const res = await req;
  // Undo: stop what a successful run cell started, and any fresh run left active.
  if (row.startsRun && res.status === 202) await stopRun(res.body.id as number);
  if (row.startsRun && res.status === 302) {
    const started = /^\/executions\/(\d+)$/.exec(String(res.headers.location));
    if (started) await stopRun(Number(started[1]));
  }
  if (row.fresh === 'execution') await stopRun(t.executionId);
  if (res.status !== 302 && res.status !== 303) return res.status;
  const location = String(res.headers.location);
  if (location.startsWith('/login')) return '302 login';
  const landing = await who.agent.get(location).set('Accept', 'text/html');
  const status = res.status as 302 | 303;
  if (/class="alert alert-success"/.test(landing.text)) return `${status} success`;
  if (/class="alert alert-danger"/.test(landing.text)) return `${status} danger`;
  throw new Error(`${key} as ${role}: redirect to ${location} without a flash message`);
}

let grantedExecution = 0;
let hiddenExecution = 0;

beforeAll(async () => {
  w = await startWorld('authz_matrix');
  viewer2 = await signIn(w.cp.url, 'viewer2');
  grantedExecution = await finishedExecution(w.granted.scheduleId);
  hiddenExecution = await finishedExecution(w.notGranted.scheduleId);
}, 120_000);

afterAll(async () => {
  await w?.cp.stop();
});

test('every route of the app has a row in the matrix, and every row is a route', () => {
  const app = w.cp.server.listeners('request')[0];
  const routes = appRoutes(app).map((r) => r.key);
  const table = rows();
  expect(routes.filter((k) => !(k in table) && !SIGN_IN_FLOW.includes(k))).toEqual([]);
  expect(Object.keys(table).filter((k) => !routes.includes(k))).toEqual([]);
  expect(SIGN_IN_FLOW.filter((k) => !routes.includes(k))).toEqual([]);
});

test('route × role × granted: exact status of every cell', async () => {
  const table = rows();
  const mismatches: string[] = [];
  let cells = 0;
  for (const [key, row] of Object.entries(table)) {
    for (const granted of [true, false]) {
      for (const role of ROLES) {
        const expected: Cell = role === 'deactivated'
          ? key.includes(' /api/') ? 401 : key.startsWith('GET ') ? (['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /favicon.ico', 'GET /signed-out'].includes(key) ? row.expect('admin', granted) : '302 login') : 401
          : row.expect(role, granted);
        const actual = await run(key, row, role, granted);
        cells++;
        if (actual !== expected) mismatches.push(`${key} as ${role} (${granted ? 'granted' : 'not granted'}): expected ${expected}, got ${actual}`);
      }
    }
  }
  expect(mismatches).toEqual([]);
  expect(cells).toBe(Object.keys(table).length * 8);
}, 600_000);
