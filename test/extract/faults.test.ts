// Faults: C07 (login / wire encryption), C09 (attachments released, dropped TCP connection),
// and reruns of merge / incremental that add no duplicates.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Firebird from 'node-firebird';
import { classifyAttachError } from '../../jobs/extract/src/source/firebird-errors.js';
import { FirebirdSource } from '../../jobs/extract/src/source/firebird-source.js';
import { createTestDatabase } from '../support/postgres.js';
import { firebird } from '../support/firebird.js';
import { buildExtractor, postgresJobSpec, runLibrary, spawnExtractor } from './support/extractor.js';
import { queryRows } from './support/postgres-rows.js';
import { startProxy, startSilentServer } from './support/tcp-proxy.js';

let pgUrl: string;
let sysdba: Firebird.Database;

beforeAll(async () => {
  pgUrl = await createTestDatabase('extract_faults');
  buildExtractor();
  sysdba = await Firebird.attachAsync({ host: firebird.host, port: firebird.port, database: firebird.employeeDatabase, user: firebird.user, password: firebird.password });
});
afterAll(async () => {
  await sysdba.detachAsync();
});

/**
 * C09's reader: its own Firebird user, so other test files reading as the shared reader user at
 * the same time (jest runs two files at once) cannot change the attachment count.
 */
const C09_READER = { name: 'C09_READER', password: 'c09-reader-pw' };

async function readerAttachments(): Promise<number> {
  const rows = await sysdba.queryAsync<{ N: number | string }>(`select count(*) as N from MON$ATTACHMENTS where MON$USER = '${C09_READER.name}'`);
  return Number(rows[0]!.N);
}

describe('C07', () => {
  test('C07: a login that never answers times out; retries are limited and back off', async () => {
    const silent = await startSilentServer();
    const delays: number[] = [];
    try {
      const started = Date.now();
      const { summary, lines } = await runLibrary(
        postgresJobSpec({ sql: 'select 1 from RDB$DATABASE', table: 'c07', source: { port: silent.port, connectTimeoutMs: 500 } }),
        WRONG_PASSWORD,
        pgUrl,
        { attachAttempts: 3, sleep: async (ms) => void delays.push(ms) },
      );
      expect(Date.now() - started).toBeLessThan(5000);
      expect(summary.error).toEqual({
        kind: 'unreachable',
        message: `Firebird 127.0.0.1:${silent.port} did not complete the login within 500 ms`,
        hint: 'check the host, port and password; a server whose AuthServer lists several plugins never answers a wrong password',
      });
      expect(delays).toEqual([1000, 2000]);
      expect(lines.join('\n')).not.toContain(WRONG_PASSWORD);
    } finally {
      await silent.close();
    }
  });

  test('C07: wire-encryption mismatch and wrong password are distinct messages; the first names the server setting', () => {
    const source = postgresJobSpec({ sql: 'x', table: 'x' }).source;
    const mismatch = classifyAttachError({ gdscode: 335545064, message: 'Incompatible wire encryption levels requested on client and server' }, { ...source, wireCrypt: 'disabled' });
    expect(mismatch.kind).toBe('wire-encryption');
    expect(mismatch.message).toBe('Firebird server 127.0.0.1:3050 and the extractor disagree on wire encryption (client wireCrypt=disabled): Incompatible wire encryption levels requested on client and server');
    expect(mismatch.hint).toBe('the server requires encryption: set the source wire encryption to "required", or set WireCrypt = Enabled in the server firebird.conf');
    const disabledServer = classifyAttachError({ gdscode: 335545064, message: 'Incompatible wire encryption levels requested on client and server' }, source);
    expect(disabledServer.hint).toBe('set WireCrypt = Enabled (or Required) in the server firebird.conf; WireCrypt = Disabled refuses encrypted clients');
    const auth = classifyAttachError({ gdscode: 335544472, message: 'Your user name and password are not defined.' }, source);
    expect(auth.kind).toBe('auth');
    expect(auth.message).toBe('Firebird refused the login of user ETL_READER at 127.0.0.1:3050: the user name or password is wrong');
  });

  test('C07: an unencrypted wire (wireCrypt disabled) connects to a server with WireCrypt = Enabled', async () => {
    const { summary } = await runLibrary(
      postgresJobSpec({ sql: "select rdb$get_context('SYSTEM', 'WIRE_ENCRYPTED') as ENCRYPTED from RDB$DATABASE", table: 'c07_wire', source: { wireCrypt: 'disabled' } }),
      firebird.readerPassword,
      pgUrl,
    );
    expect(summary.status).toBe('succeeded');
    expect(await queryRows(pgUrl, 'select encrypted from c07_wire')).toEqual([{ encrypted: 'FALSE' }]);
  });
});

describe('C09', () => {
  test('C09: after 20 runs the reader user has no attachments left (baseline 0)', async () => {
    // The test's own reader user. Right after CREATE/ALTER USER the server may refuse its login as
    // "password wrong" for several seconds (seen: 6 s in one of eight runs), and may not answer a
    // login at all (a bare driver attach hung this test for 60 s): so logins are probed with the
    // extractor's own attach (login timeout, socket dropped), and the user is only (re)created when
    // the login does not work already.
    const probeSpec = { ...postgresJobSpec({ sql: 'x', table: 'x' }).source, user: C09_READER.name, connectTimeoutMs: 2_000 };
    const canLogIn = async (): Promise<boolean> => {
      const probe = await FirebirdSource.open(probeSpec, C09_READER.password, 'C09 probe').catch(() => undefined);
      await probe?.close();
      return probe !== undefined;
    };
    if (!(await canLogIn())) {
      await sysdba.queryAsync(`create or alter user ${C09_READER.name} password '${C09_READER.password}'`);
      const deadline = Date.now() + 45_000;
      while (!(await canLogIn())) {
        if (Date.now() > deadline) throw new Error(`${C09_READER.name} still cannot log in 45 s after CREATE USER`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await sysdba.queryAsync(`grant select on EMPLOYEE to user ${C09_READER.name}`);
    for (let i = 0; i < 50 && (await readerAttachments()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await readerAttachments()).toBe(0);
    const spec = postgresJobSpec({ sql: 'select EMP_NO, LAST_NAME from EMPLOYEE', table: 'c09_runs', source: { user: C09_READER.name } });
    for (let i = 0; i < 20; i++) {
      const { summary } = await runLibrary(i % 5 === 4 ? { ...spec, script: { ...spec.script, sql: 'selec broken' } } : spec, C09_READER.password, pgUrl);
      // the run's error is part of the comparison, so an unexpected failure shows why
      expect({ run: i, status: summary.status, error: i % 5 === 4 ? undefined : summary.error }).toEqual({ run: i, status: i % 5 === 4 ? 'failed' : 'succeeded', error: undefined });
    }
    // The server removes a detached attachment asynchronously; give it a moment.
    for (let i = 0; i < 20 && (await readerAttachments()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await readerAttachments()).toBe(0);
  }, 120_000);

  test('C09: a silently dropped TCP connection fails within the read timeout as connection-lost (exit 75)', async () => {
    const proxy = await startProxy(firebird.host, firebird.port, { blackholeAfterServerBytes: 200_000 });
    try {
      const started = Date.now();
      const run = await spawnExtractor({
        ETL_JOB_SPEC: JSON.stringify(
          postgresJobSpec({ sql: 'select a.RDB$FIELD_NAME, b.RDB$FIELD_NAME from RDB$FIELDS a, RDB$FIELDS b', table: 'c09_drop', source: { port: proxy.port, readTimeoutMs: 2000 } }),
        ),
        ETL_SOURCE_PASSWORD: firebird.readerPassword,
        ETL_DEST_POSTGRES_URL: pgUrl,
        ETL_TERMINATION_LOG: '/dev/null',
      });
      expect(proxy.serverBytes()).toBeGreaterThanOrEqual(200_000);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(run.code).toBe(75);
      expect(run.summary?.status).toBe('failed');
      expect(run.summary?.error).toEqual({
        kind: 'connection-lost',
        message: `Firebird 127.0.0.1:${proxy.port} did not answer "fetch" within 2000 ms; the connection is considered lost`,
        hint: 'check the network path to the server (firewall / NAT idle timeouts) or raise the source read timeout',
      });
      expect(await queryRows(pgUrl, "select to_regclass('public.c09_drop') is null as missing")).toEqual([{ missing: true }]);
    } finally {
      await proxy.close();
    }
  });
});

describe('reruns add no duplicates', () => {
  test('merge on key columns: a rerun updates in place', async () => {
    const spec = postgresJobSpec({ sql: 'select EMP_NO, LAST_NAME, SALARY from EMPLOYEE', table: 'merge_emp', writeMode: 'merge', script: { keyColumns: ['EMP_NO'] } });
    expect((await runLibrary(spec, firebird.readerPassword, pgUrl)).summary.rowsWritten).toBe(42);
    await queryRows(pgUrl, "update merge_emp set last_name = 'changed' where emp_no = 2");
    expect((await runLibrary(spec, firebird.readerPassword, pgUrl)).summary.status).toBe('succeeded');
    expect(await queryRows(pgUrl, 'select count(*)::int as n, count(distinct emp_no)::int as d from merge_emp')).toEqual([{ n: 42, d: 42 }]);
    expect(await queryRows(pgUrl, 'select last_name from merge_emp where emp_no = 2')).toEqual([{ last_name: 'Nelson' }]);
  });

  test('incremental by a watermark read from the destination: only newer rows, reruns add nothing', async () => {
    const spec = postgresJobSpec({ sql: 'select EMP_NO, HIRE_DATE from EMPLOYEE where EMP_NO < 100', table: 'incr_emp', writeMode: 'incremental', script: { watermarkColumn: 'EMP_NO' } });
    const first = await runLibrary(spec, firebird.readerPassword, pgUrl);
    expect(first.summary).toMatchObject({ status: 'succeeded' });
    await queryRows(pgUrl, 'delete from incr_emp where emp_no > 50');
    const [{ max }] = await queryRows<{ max: number }>(pgUrl, 'select max(emp_no) as max from incr_emp');
    const second = await runLibrary(spec, firebird.readerPassword, pgUrl);
    const third = await runLibrary(spec, firebird.readerPassword, pgUrl);
    expect(second.summary.rowsWritten).toBe(first.summary.rowsWritten - (await countBelow(50)));
    expect(third.summary).toMatchObject({ status: 'succeeded', rowsRead: 0, rowsWritten: 0 });
    expect(await queryRows(pgUrl, 'select count(*)::int as n, count(distinct emp_no)::int as d from incr_emp')).toEqual([{ n: first.summary.rowsWritten, d: first.summary.rowsWritten }]);
    expect(second.lines.filter((l) => l.includes('incremental load from watermark')).map((l) => JSON.parse(l).message)).toEqual([`incremental load from watermark ${max}`]);
  });
});

async function countBelow(max: number): Promise<number> {
  const rows = await sysdba.queryAsync<{ N: number | string }>(`select count(*) as N from EMPLOYEE where EMP_NO <= ${max}`);
  return Number(rows[0]!.N);
}

const WRONG_PASSWORD = 'not-the-password-42';
