// The catalog's "Test connection" (sources) and "Preview first 20 rows" (scripts) against the real
// Firebird 3 server, through the real app (JSON API and pages): exact results, the extractor's
// error messages, read-only scripts, attachments released, permissions and audit events.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net, { type AddressInfo } from 'node:net';
import Firebird from 'node-firebird';
import pg from 'pg';
import { createSample, post, type SampleIds } from '../api/support/catalog.js';
import { startTestControlPlane, type TestControlPlane } from '../api/support/control-plane.js';
import { signIn, type SignedIn } from '../api/support/sign-in.js';
import { userIdOf } from '../authz/support/world.js';
import { firebird } from '../support/firebird.js';

/** Never connected to: no run starts in this file. */
const UNUSED_DESTINATION_URL = 'postgres://nobody:secret@127.0.0.1:1/none';
const WRONG_PASSWORD = 'wrong-Pa55word-xyz';
/** A Firebird user only this file uses, so its attachments are ours alone (other test files read as ETL_READER). */
const CHECK_USER = { name: 'ETL_CHECKS', password: 'etl-checks-dev' };

let cp: TestControlPlane;
let admin: SignedIn;
let operator: SignedIn;
let viewer: SignedIn;
let sysdba: Firebird.Database;
let employee: SampleIds;
let hidden: SampleIds;
let unique = 0;

/** A source made by the admin through the API (employee database unless overridden). */
async function source(overrides: Record<string, unknown> = {}): Promise<number> {
  const body = {
    name: `Check source ${++unique}`,
    host: firebird.host,
    port: firebird.port,
    database: firebird.employeeDatabase,
    user: firebird.readerUser,
    password: firebird.readerPassword,
    charset: 'NONE',
    legacyCharset: 'WIN1252',
    timeZone: 'America/Sao_Paulo',
    wireCrypt: 'required',
    ...overrides,
  };
  return (await post(admin, '/sources', body)).id as number;
}

async function script(sourceId: number, sql: string, extra: Record<string, unknown> = {}): Promise<number> {
  return (await post(admin, '/scripts', { name: `Check script ${++unique}`, sourceId, sql, ...extra })).id as number;
}

/** Stores SQL the catalog form would refuse (it wants SELECT/WITH), as an old or hand-edited row could hold. */
async function setScriptSql(scriptId: number, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: cp.databaseUrl });
  await client.connect();
  try {
    await client.query('UPDATE scripts SET sql = $1 WHERE id = $2', [sql, scriptId]);
  } finally {
    await client.end();
  }
}

async function testSource(who: SignedIn, id: number) {
  return who.agent.post(`/api/v1/sources/${id}/test`).set('x-csrf-token', who.csrf);
}
async function preview(who: SignedIn, id: number) {
  return who.agent.post(`/api/v1/scripts/${id}/preview`).set('x-csrf-token', who.csrf);
}

async function audit(query: Record<string, string>): Promise<{ actor: string; action: string; targetType: string; targetId: string | null; outcome: string; details: Record<string, unknown> }[]> {
  const res = await admin.agent.get('/api/v1/audit').query(query);
  expect(res.status).toBe(200);
  return res.body.items;
}

async function attachmentsOf(user: string): Promise<number> {
  const rows = await sysdba.queryAsync<{ N: number | string }>(`select count(*) as N from MON$ATTACHMENTS where MON$USER = '${user}'`);
  return Number(rows[0]!.N);
}

beforeAll(async () => {
  sysdba = await Firebird.attachAsync({ host: firebird.host, port: firebird.port, database: firebird.employeeDatabase, user: firebird.user, password: firebird.password });
  await sysdba.queryAsync(`create or alter user ${CHECK_USER.name} password '${CHECK_USER.password}'`);
  await sysdba.queryAsync(`grant select on EMPLOYEE to user ${CHECK_USER.name}`);
  cp = await startTestControlPlane('catalog_checks');
  [admin, operator, viewer] = await Promise.all(['admin', 'operator', 'viewer'].map((login) => signIn(cp.url, login))) as [SignedIn, SignedIn, SignedIn];
  employee = await createSample(admin, UNUSED_DESTINATION_URL, { name: 'Employee', sql: 'SELECT * FROM EMPLOYEE ORDER BY EMP_NO' });
  hidden = await createSample(admin, UNUSED_DESTINATION_URL, { name: 'Hidden', sql: 'SELECT COUNTRY FROM COUNTRY', table: 'hidden', grantDevUsers: false });
}, 120_000);

afterAll(async () => {
  await cp?.stop();
  await sysdba?.detachAsync();
});

describe('test connection', () => {
  test('employee: attaches, reads the server version and database, detaches', async () => {
    const res = await testSource(admin, employee.sourceId);
    expect(res.status).toBe(200);
    const version = (await sysdba.queryAsync<{ V: string }>("select rdb$get_context('SYSTEM', 'ENGINE_VERSION') as V from rdb$database"))[0]!.V;
    expect(version).toMatch(/^3\.0\.\d+$/);
    expect(res.body).toEqual({
      ok: true,
      message: `Connected to Firebird ${version} at ${firebird.host}:${firebird.port} as ${firebird.readerUser}, database ${res.body.databaseName}`,
      elapsedMs: expect.any(Number),
      serverVersion: version,
      databaseName: expect.stringMatching(/employee(\.fdb)?$/i),
    });
  });

  test('wrong password, closed port and unknown database: the extractor messages, no password anywhere', async () => {
    const wrong = await source({ password: WRONG_PASSWORD });
    const closed = await source({ port: 1 });
    const unknown = await source({ database: 'no_such_alias' });
    const results = await Promise.all([wrong, closed, unknown].map(async (id) => (await testSource(admin, id)).body));
    expect(results.map(({ elapsedMs: _e, ...rest }) => rest)).toEqual([
      { ok: false, kind: 'auth', message: `Firebird refused the login of user ETL_READER at ${firebird.host}:${firebird.port}: the user name or password is wrong`, hint: 'update the source password (or user) and run again' },
      { ok: false, kind: 'unreachable', message: `Firebird server ${firebird.host}:1 is unreachable (ECONNREFUSED): check the source host and port and that the server listens there` },
      { ok: false, kind: 'unknown-database', message: `Firebird server ${firebird.host}:${firebird.port} has no database "no_such_alias": check the path or alias (databases.conf)` },
    ]);
    const events = await audit({ action: 'source.test', outcome: 'failure' });
    expect(JSON.stringify(results) + JSON.stringify(events)).not.toContain(WRONG_PASSWORD);
  });

  test('wire encryption: a server that refuses the level gets the extractor message naming the setting', async () => {
    // A stand-in server answering the first packet with Firebird's status vector for
    // isc_wirecrypt_incompatible (a real server does this when WireCrypt levels cannot match).
    const server = net.createServer((socket) => {
      socket.once('data', () => {
        const words = [9 /* op_response */, 0, 0, 0 /* object id */, 0 /* empty buffer */, 1 /* isc_arg_gds */, 335545064, 0 /* isc_arg_end */];
        const packet = Buffer.alloc(words.length * 4);
        words.forEach((word, i) => packet.writeInt32BE(word, i * 4));
        socket.end(packet);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await testSource(admin, await source({ host: '127.0.0.1', port }));
      const { elapsedMs: _e, ...body } = res.body;
      expect(body).toEqual({
        ok: false,
        kind: 'wire-encryption',
        message: `Firebird server 127.0.0.1:${port} and the extractor disagree on wire encryption (client wireCrypt=required): Incompatible wire encryption levels requested on client and server`,
        hint: 'set WireCrypt = Enabled (or Required) in the server firebird.conf; WireCrypt = Disabled refuses encrypted clients',
      });
    } finally {
      server.close();
    }
  });

  test('an unencrypted source connects to the suite server (scripts/firebird-setup.sh: WireCrypt = Enabled)', async () => {
    const res = await testSource(admin, await source({ wireCrypt: 'disabled' }));
    expect([res.body.ok, res.body.message]).toEqual([true, expect.stringMatching(new RegExp(`^Connected to Firebird 3\\.0\\.\\d+ at ${firebird.host}:${firebird.port} as ETL_READER, database `))]);
  });
});

describe('test connection of settings typed into the form (before saving)', () => {
  const typed = (overrides: Record<string, unknown> = {}) => ({
    host: firebird.host, port: String(firebird.port), database: firebird.employeeDatabase, user: firebird.readerUser,
    password: firebird.readerPassword, charset: 'NONE', legacyCharset: 'WIN1252', timeZone: 'UTC', wireCrypt: 'required', ...overrides,
  });
  const testTyped = (who: SignedIn, body: Record<string, unknown>, id?: number) =>
    who.agent.post(id ? `/api/v1/sources/${id}/test` : '/api/v1/sources/test').set('x-csrf-token', who.csrf).send(body);

  test('a new source: the typed password; without one 422; only admins (403)', async () => {
    const ok = await testTyped(admin, typed({ name: 'Not saved' }));
    expect([ok.status, ok.body.ok, ok.body.message]).toEqual([200, true, expect.stringMatching(/^Connected to Firebird 3\.0\.\d+ at /)]);
    const wrong = await testTyped(admin, typed({ password: WRONG_PASSWORD }));
    expect([wrong.body.ok, wrong.body.kind]).toEqual([false, 'auth']);
    expect(JSON.stringify(wrong.body)).not.toContain(WRONG_PASSWORD);
    const missing = await testTyped(admin, typed({ password: '' }));
    expect([missing.status, missing.body]).toEqual([422, { error: { code: 'validation', message: 'Password is required', details: { field: 'password' } } }]);
    const badHost = await testTyped(admin, typed({ host: 'not a host' }));
    expect([badHost.status, badHost.body.error.message]).toEqual([422, 'Host "not a host" is not a host name or IP address']);
    const operatorTry = await testTyped(operator, typed());
    expect([operatorTry.status, operatorTry.body.error.message]).toEqual([403, 'operator@example.com (role operator) may not change sources, scripts or destinations']);
  });

  test('an existing source: the typed settings, an empty password meaning the stored one', async () => {
    // Another database, host or user with an empty password: refused, the stored password is not sent there.
    const moved = await testTyped(admin, typed({ database: 'no_such_alias', host: '127.0.0.2', password: '' }), employee.sourceId);
    expect([moved.status, moved.body.error?.message]).toEqual([422, 'Type the password to test these settings: the host, database differ from the saved source, and its stored password is only sent to the saved server and user']);
    const unknownDb = await testTyped(admin, typed({ database: 'no_such_alias' }), employee.sourceId);
    expect([unknownDb.body.ok, unknownDb.body.kind]).toEqual([false, 'unknown-database']);
    // The stored password is wrong; the typed one is right: the typed one is used.
    const wrongStored = await source({ password: WRONG_PASSWORD });
    expect((await testTyped(admin, typed({ password: '' }), wrongStored)).body.kind).toBe('auth');
    expect((await testTyped(admin, typed(), wrongStored)).body.ok).toBe(true);
    // Saved settings untouched by a test.
    expect((await admin.agent.get(`/api/v1/sources/${employee.sourceId}`)).body.database).toBe(firebird.employeeDatabase);
    const events = await audit({ action: 'source.test', targetId: String(wrongStored) });
    expect(events.map((e) => [e.outcome, e.details.unsaved, e.details.kind ?? null])).toEqual([
      ['success', true, null],
      ['failure', true, 'auth'],
    ]);
  });

  test('the form page: the result above the form, the typed values kept, never the password', async () => {
    const page = await admin.agent.post('/sources/test').type('form').set('Accept', 'text/html').send({ _csrf: admin.csrf, name: 'Typed', ...typed() });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<div class="alert alert-success" role="status">Connected to Firebird 3\.0\.\d+ at /);
    expect(page.text).toContain('value="Typed"');
    expect(page.text).not.toContain(firebird.readerPassword);
    expect(page.text).toContain('formaction="/sources/test"');
    const invalid = await admin.agent.post(`/sources/${employee.sourceId}/test`).type('form').set('Accept', 'text/html').send({ _csrf: admin.csrf, ...typed({ port: '70000' }) });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain('Port must be a whole number between 1 and 65535');
    const asOperator = await operator.agent.post(`/sources/${employee.sourceId}/test`).type('form').set('Accept', 'text/html').send({ _csrf: operator.csrf, ...typed() });
    expect(asOperator.status).toBe(403);
  });
});

describe('preview', () => {
  test('SELECT * FROM EMPLOYEE ORDER BY EMP_NO: exactly 20 rows, columns with Firebird types, values as a run loads them', async () => {
    const res = await preview(admin, employee.scriptId);
    expect(res.status).toBe(200);
    const body = res.body as { ok: boolean; message: string; columns: { name: string; type: string; scale?: number }[]; rows: unknown[][] };
    expect(body.ok).toBe(true);
    expect(body.message).toBe('The first 20 rows of script "Employee script" (11 columns) from source "Employee source"');
    expect(body.columns).toEqual([
      { name: 'EMP_NO', type: 'SMALLINT' },
      { name: 'FIRST_NAME', type: 'VARCHAR' },
      { name: 'LAST_NAME', type: 'VARCHAR' },
      { name: 'PHONE_EXT', type: 'VARCHAR' },
      { name: 'HIRE_DATE', type: 'TIMESTAMP' },
      { name: 'DEPT_NO', type: 'CHAR' },
      { name: 'JOB_CODE', type: 'VARCHAR' },
      { name: 'JOB_GRADE', type: 'SMALLINT' },
      { name: 'JOB_COUNTRY', type: 'VARCHAR' },
      { name: 'SALARY', type: 'NUMERIC', scale: 2 },
      { name: 'FULL_NAME', type: 'VARCHAR' },
    ]);
    expect(body.rows).toHaveLength(20);
    expect(body.rows[0]).toEqual([2, 'Robert', 'Nelson', '250', '1988-12-28T00:00:00', '600', 'VP', 2, 'USA', '105900.00', 'Nelson, Robert']);
    // Row 20 is the 20th EMP_NO in order, read by the server itself.
    const twentieth = await sysdba.queryAsync<{ EMP_NO: number }>('select first 1 skip 19 EMP_NO from EMPLOYEE order by EMP_NO');
    expect(body.rows[19]![0]).toBe(twentieth[0]!.EMP_NO);
  });

  test('text decoded with the source charset, BIGINT and NUMERIC exact strings, NULL as null', async () => {
    const utf8 = await source({ charset: 'UTF8' });
    const id = await script(utf8, "SELECT CAST(9223372036854775807 AS BIGINT) AS BIG, CAST(-0.05 AS NUMERIC(18,4)) AS N, CAST(NULL AS INTEGER) AS NOTHING, _UTF8 'São João €' AS T, DATE '2018-08-26' AS D, TIME '13:45:30.1234' AS TM, TRUE AS B FROM RDB$DATABASE");
    const res = await preview(admin, id);
    expect(res.body.ok).toBe(true);
    expect(res.body.columns).toEqual([
      { name: 'BIG', type: 'BIGINT' },
      { name: 'N', type: 'NUMERIC', scale: 4 },
      { name: 'NOTHING', type: 'INTEGER' },
      { name: 'T', type: 'CHAR' },
      { name: 'D', type: 'DATE' },
      { name: 'TM', type: 'TIME' },
      { name: 'B', type: 'BOOLEAN' },
    ]);
    expect(res.body.rows).toEqual([['9223372036854775807', '-0.0500', null, 'São João €', '2018-08-26', '13:45:30.1234', true]]);
  });

  test('a script that writes is refused by the read-only transaction and changes nothing', async () => {
    const sysdbaSource = await source({ user: firebird.user, password: firebird.password });
    const before = await sysdba.queryAsync<{ CURRENCY: string }>("select CURRENCY from COUNTRY where COUNTRY = 'USA'");
    const block = await script(sysdbaSource, 'SELECT 1 AS X FROM RDB$DATABASE');
    await setScriptSql(block, "execute block returns (x integer) as begin update COUNTRY set CURRENCY = 'Changed' where COUNTRY = 'USA'; x = 1; suspend; end");
    const insert = await script(sysdbaSource, 'SELECT 1 AS X FROM RDB$DATABASE');
    await setScriptSql(insert, "insert into COUNTRY (COUNTRY, CURRENCY) values ('Atlantis', 'Shell')");
    const [blockRes, insertRes] = [await preview(admin, block), await preview(admin, insert)];
    expect(blockRes.status).toBe(200);
    const { elapsedMs: _b, ...blockBody } = blockRes.body;
    expect(blockBody).toEqual({
      ok: false,
      kind: 'sql',
      message: `script "Check script ${unique - 1}" tries to change data; the extractor runs scripts in a read-only transaction and changed nothing (Attempted update during read - only transaction, At block line: 1, col: 44)`,
      hint: 'the script must be a single SELECT',
      columns: [],
      rows: [],
    });
    const { elapsedMs: _i, ...insertBody } = insertRes.body;
    expect(insertBody).toEqual({
      ok: false,
      kind: 'sql',
      message: `script "Check script ${unique}" is not a SELECT; the extractor only runs queries, in a read-only transaction`,
      hint: 'the script must be a single SELECT',
      columns: [],
      rows: [],
    });
    expect(await sysdba.queryAsync("select CURRENCY from COUNTRY where COUNTRY = 'USA'")).toEqual(before);
    expect(await sysdba.queryAsync("select count(*) as N from COUNTRY where COUNTRY = 'Atlantis'")).toEqual([{ N: 0 }]);
  });

  test('a SQL syntax error gives the server text, like a run', async () => {
    const id = await script(employee.sourceId, 'SELECT EMP_NO FROM EMPLOYEE WHERE');
    const res = await preview(admin, id);
    const { elapsedMs: _e, ...body } = res.body;
    expect(body).toEqual({
      ok: false,
      kind: 'sql',
      message: `script "Check script ${unique}" is not valid SQL for this database: Dynamic SQL Error, SQL error code = -104, Unexpected end of command- line 1, column 29`,
      columns: [],
      rows: [],
    });
  });

  test('attachments are back to baseline after 10 previews and 10 connection tests', async () => {
    const sourceId = await source({ user: CHECK_USER.name, password: CHECK_USER.password });
    const scriptId = await script(sourceId, 'SELECT * FROM EMPLOYEE ORDER BY EMP_NO');
    const failing = await script(sourceId, 'SELECT * FROM NO_SUCH_TABLE');
    const baseline = await attachmentsOf(CHECK_USER.name);
    expect(baseline).toBe(0);
    for (let i = 0; i < 10; i++) {
      const ok = await preview(admin, scriptId);
      expect([ok.body.ok, ok.body.rows.length]).toEqual([true, 20]);
      const failed = await preview(admin, failing);
      expect([failed.body.ok, failed.body.kind]).toEqual([false, 'sql']);
      expect((await testSource(admin, sourceId)).body.ok).toBe(true);
    }
    // Released = detached, or (when the server is too slow to answer the detach within 2 s) the socket
    // destroyed, which the server notices a moment later: wait for that moment, then compare exactly.
    let after = await attachmentsOf(CHECK_USER.name);
    for (let i = 0; i < 50 && after !== baseline; i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = await attachmentsOf(CHECK_USER.name);
    }
    expect(after).toBe(baseline);
  });
});

describe('permissions and audit', () => {
  test('operators check what is granted; viewers are refused (403); ungranted ids are 404', async () => {
    expect((await testSource(operator, employee.sourceId)).body.ok).toBe(true);
    // A body without settings (no host) is still the saved source's test, which operators may run.
    const stray = await operator.agent.post(`/api/v1/sources/${employee.sourceId}/test`).set('x-csrf-token', operator.csrf).send({ note: 'x' });
    expect([stray.status, stray.body.ok]).toEqual([200, true]);
    expect((await preview(operator, employee.scriptId)).body.rows).toHaveLength(20);

    const viewerTest = await testSource(viewer, employee.sourceId);
    expect(viewerTest.status).toBe(403);
    expect(viewerTest.body).toEqual({ error: { code: 'forbidden', message: `viewer@example.com (role viewer) may not test the connection of source "Employee source"` } });
    expect((await preview(viewer, employee.scriptId)).status).toBe(403);

    for (const res of [await testSource(operator, hidden.sourceId), await preview(operator, hidden.scriptId), await testSource(viewer, hidden.sourceId), await testSource(operator, 999999)]) {
      expect(res.status).toBe(404);
    }
    expect((await preview(operator, hidden.scriptId)).body).toEqual({ error: { code: 'not-found', message: `Script ${hidden.scriptId} not found` } });
  });

  test('an operator granted a script but not its source may not preview it (403)', async () => {
    const operatorId = await userIdOf(operator);
    const sourceId = await source();
    const scriptId = await script(sourceId, 'SELECT COUNTRY FROM COUNTRY');
    await post(admin, `/users/${operatorId}/permissions`, { resourceType: 'script', resourceId: scriptId }, 201);
    const res = await preview(operator, scriptId);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(`operator@example.com may not preview script "Check script ${unique}": its source is not granted to you`);
    await post(admin, `/users/${operatorId}/permissions`, { resourceType: 'source', resourceId: sourceId }, 201);
    expect((await preview(operator, scriptId)).body.rows).toHaveLength(16);
  });

  test('every check and every refusal is an audit event', async () => {
    const tests = await audit({ action: 'source.test', targetId: String(employee.sourceId) });
    expect(tests.map((e) => [e.actor, e.outcome])).toEqual(expect.arrayContaining([
      ['admin@example.com', 'success'],
      ['operator@example.com', 'success'],
      ['viewer@example.com', 'refused'],
    ]));
    const success = tests.find((e) => e.actor === 'admin@example.com' && e.outcome === 'success' && !e.details.unsaved)!;
    expect(success).toMatchObject({ targetType: 'source', details: { name: 'Employee source', elapsedMs: expect.any(Number), serverVersion: expect.stringMatching(/^3\.0\./) } });
    const previews = await audit({ action: 'script.preview', targetId: String(employee.scriptId) });
    expect(previews.find((e) => e.actor === 'admin@example.com')).toMatchObject({ outcome: 'success', details: { name: 'Employee script', sourceId: employee.sourceId, rows: 20 } });
    expect(previews.find((e) => e.actor === 'viewer@example.com')).toMatchObject({ outcome: 'refused', details: { reason: 'role viewer may not preview script "Employee script"' } });
    const failures = await audit({ action: 'source.test', outcome: 'failure' });
    expect(failures.map((e) => e.details.kind).sort()).toEqual(expect.arrayContaining(['auth', 'unknown-database', 'unreachable']));
  });
});

describe('pages', () => {
  test('the catalog offers the buttons to admins and operators, not to viewers', async () => {
    const adminPage = await admin.agent.get('/catalog').set('Accept', 'text/html');
    expect(adminPage.text).toContain(`action="/sources/${employee.sourceId}/test"`);
    expect(adminPage.text).toContain(`action="/scripts/${employee.scriptId}/preview"`);
    const operatorPage = await operator.agent.get('/catalog').set('Accept', 'text/html');
    expect(operatorPage.text).toContain(`action="/scripts/${employee.scriptId}/preview"`);
    const viewerPage = await viewer.agent.get('/catalog').set('Accept', 'text/html');
    expect(viewerPage.status).toBe(200);
    expect(viewerPage.text).not.toContain('/test"');
    expect(viewerPage.text).not.toContain('/preview"');
    const edit = await admin.agent.get(`/sources/${employee.sourceId}/edit`).set('Accept', 'text/html');
    expect(edit.text).toContain(`action="/sources/${employee.sourceId}/test"`);
  });

  test('POST /scripts/:id/preview shows the rows; POST /sources/:id/test shows the result; CSRF is required', async () => {
    const page = await operator.agent.post(`/scripts/${employee.scriptId}/preview`).type('form').send({ _csrf: operator.csrf }).set('Accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.text).toContain('The first 20 rows of script &quot;Employee script&quot;');
    const table = /<table[^>]*id="preview"[\s\S]*?<\/table>/.exec(page.text)![0];
    expect(table.match(/<tr>/g)).toHaveLength(21); // header + 20 rows
    expect(table).toContain('<td class="text-nowrap">105900.00</td>');
    expect(table).toContain('<td class="text-nowrap">1988-12-28T00:00:00</td>');

    const wrong = await source({ password: WRONG_PASSWORD });
    const failed = await admin.agent.post(`/sources/${wrong}/test`).type('form').send({ _csrf: admin.csrf }).set('Accept', 'text/html');
    expect(failed.status).toBe(200);
    expect(failed.text).toContain('the user name or password is wrong');
    expect(failed.text).toContain('What to change: update the source password (or user) and run again');
    expect(failed.text).not.toContain(WRONG_PASSWORD);

    const noCsrf = await admin.agent.post(`/sources/${employee.sourceId}/test`).type('form').send({}).set('Accept', 'text/html');
    expect(noCsrf.status).toBe(403);
    const asViewer = await viewer.agent.post(`/sources/${employee.sourceId}/test`).type('form').send({ _csrf: viewer.csrf }).set('Accept', 'text/html');
    expect(asViewer.status).toBe(403);
  });
});
