// Every failure under /api/v1 answers `{ error: { code, message } }` (plus `details` for a bad
// field) with the matching status: authentication, CSRF, role, unknown route/id, validation,
// conflict, malformed and oversized bodies. Exact bodies, so a drift in shape or wording fails.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { signIn, type SignedIn } from '../api/support/sign-in.js';
import { post } from '../api/support/catalog.js';
import { firebird } from '../support/firebird.js';

let cp: TestControlPlane;
let admin: SignedIn;
let viewer: SignedIn;
let sourceId: number;

beforeAll(async () => {
  cp = await startTestControlPlane('issue6_errors');
  admin = await signIn(cp.url, 'admin');
  viewer = await signIn(cp.url, 'viewer');
  const source = await post(admin, '/sources', {
    name: 'errors source', host: firebird.host, port: firebird.port, database: firebird.employeeDatabase,
    user: firebird.readerUser, password: firebird.readerPassword, charset: 'NONE', legacyCharset: 'WIN1252', timeZone: 'UTC', wireCrypt: 'required',
  });
  sourceId = source.id as number;
  await post(admin, '/scripts', { name: 'errors script', sourceId, sql: 'SELECT 1 AS N FROM RDB$DATABASE' });
}, 60_000);

afterAll(async () => {
  await cp?.stop();
});

/** Every error response is JSON with exactly this shape. */
function expectErrorShape(res: request.Response): void {
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const { error, ...rest } = res.body as { error: Record<string, unknown> };
  expect(rest).toEqual({});
  expect(Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k))).toEqual([]);
  expect(typeof error.code).toBe('string');
  expect(typeof error.message).toBe('string');
}

describe('JSON errors on /api/v1', () => {
  test('401: no session, a malformed Authorization header, an unknown token', async () => {
    const anonymous = request(cp.url);
    const none = await anonymous.get('/api/v1/schedules');
    expect([none.status, none.body]).toEqual([401, { error: { code: 'unauthenticated', message: 'Sign in first (GET /login)' } }]);
    const malformed = await anonymous.get('/api/v1/schedules').set('Authorization', 'Basic dXNlcjpwYXNz');
    expect([malformed.status, malformed.body]).toEqual([401, { error: { code: 'unauthenticated', message: 'Authorization must be "Bearer etl_…" (a personal API token)' } }]);
    const unknown = await anonymous.get('/api/v1/schedules').set('Authorization', 'Bearer etl_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('unauthenticated');
    for (const res of [none, malformed, unknown]) expectErrorShape(res);
  });

  test('403: a session write without the CSRF token, and a viewer writing', async () => {
    const noCsrf = await admin.agent.post('/api/v1/schedules').send({ name: 'x' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf');
    expect(noCsrf.body.error.message).toMatch(/^CSRF token missing: reload the page and try again/);
    const forbidden = await viewer.agent.post('/api/v1/sources').set('x-csrf-token', viewer.csrf).send({ name: 'nope' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    for (const res of [noCsrf, forbidden]) expectErrorShape(res);
  });

  test('404: unknown route, unknown method on a route, unknown id, non-numeric id', async () => {
    const route = await admin.agent.get('/api/v1/no-such-thing');
    expect([route.status, route.body]).toEqual([404, { error: { code: 'not-found', message: 'No such API route' } }]);
    const method = await admin.agent.patch('/api/v1/executions').set('x-csrf-token', admin.csrf).send({});
    expect([method.status, method.body]).toEqual([404, { error: { code: 'not-found', message: 'No such API route' } }]);
    const id = await admin.agent.get('/api/v1/schedules/999999');
    expect(id.status).toBe(404);
    expect(id.body.error.code).toBe('not-found');
    const word = await admin.agent.get('/api/v1/executions/abc');
    expect([word.status, word.body]).toEqual([404, { error: { code: 'not-found', message: 'No item with id "abc"' } }]);
    for (const res of [route, method, id, word]) expectErrorShape(res);
  });

  test('422: a rule broken, with the field named in details', async () => {
    const res = await admin.agent.post('/api/v1/schedules').set('x-csrf-token', admin.csrf).send({ name: '' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation');
    expect(res.body.error.details).toEqual({ field: expect.any(String) });
    expectErrorShape(res);
    const severity = await admin.agent.get('/api/v1/executions?status=exploded');
    expect([severity.status, severity.body]).toEqual([422, { error: { code: 'validation', message: 'status must be one of pending, running, succeeded, failed, stopped, missed, skipped', details: { field: 'status' } } }]);
  });

  test('409: deleting a source a script still uses', async () => {
    const res = await admin.agent.delete(`/api/v1/sources/${sourceId}`).set('x-csrf-token', admin.csrf);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expectErrorShape(res);
  });

  test('400: malformed JSON; 413: a body over the limit', async () => {
    const malformed = await admin.agent.post('/api/v1/schedules').set('x-csrf-token', admin.csrf).set('content-type', 'application/json').send('{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('bad-request');
    const huge = await admin.agent.post('/api/v1/scripts').set('x-csrf-token', admin.csrf).send({ name: 'big', sourceId, sql: 'x'.repeat(1_100_000) });
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ error: { code: 'bad-request', message: 'request entity too large' } });
    for (const res of [malformed, huge]) expectErrorShape(res);
  });
});
