// Failures a user must be able to act on: each gives its own ErrorKind and message, exit code,
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// never a password in the output; a stop (SIGTERM) leaves the destination as it was.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDatabase } from '../support/postgres.js';
import { firebird } from '../support/firebird.js';
import { buildExtractor, extractorEnv, postgresJobSpec, runLibrary, spawnExtractor, spawnExtractorAndStop } from './support/extractor.js';
import { queryRows } from './support/postgres-rows.js';

// A cross join of system tables: minutes of work before the first row arrives.
const SLOW_SQL = 'select count(*) as n from RDB$FIELDS a, RDB$FIELDS b, RDB$FIELDS c, RDB$FIELDS d';
const WRONG_PASSWORD = 'not-the-password-42';

let pgUrl: string;
beforeAll(async () => {
  pgUrl = await createTestDatabase('extract_failures');
  buildExtractor();
});

describe('stop', () => {
  test('SIGTERM during a slow query: summary stopped, exit 143 within 10 s, destination unchanged', async () => {
    const table = 'slow_target';
    const seed = await runLibrary(postgresJobSpec({ sql: 'select COUNTRY as n from COUNTRY', table }), firebird.readerPassword, pgUrl);
    expect(seed.summary.status).toBe('succeeded');
    const before = await queryRows(pgUrl, `select n from ${table} order by n`);
    expect(before).toHaveLength(16);

    const run = await spawnExtractorAndStop(
      extractorEnv(postgresJobSpec({ sql: SLOW_SQL, table, source: { readTimeoutMs: 120000 } }), firebird.readerPassword, pgUrl),
      'run started',
      1500,
    );
    expect(run.code).toBe(143);
    expect(run.stoppedWithinMs).toBeLessThan(10_000);
    expect(run.summary).toMatchObject({ status: 'stopped', rowsWritten: 0 });
    expect(await queryRows(pgUrl, `select n from ${table} order by n`)).toEqual(before);
  });
});

// 2,000,000 rows: the count takes about a second, then rows stream for many seconds.
const MANY_ROWS_SQL = 'select first 2000000 a.RDB$FIELD_NAME as K, b.RDB$FIELD_NAME as V, c.RDB$FIELD_NAME as W from RDB$FIELDS a, RDB$FIELDS b, RDB$FIELDS c';

describe('stop while loading', () => {
  test.each(['truncate', 'merge'] as const)('SIGTERM while rows are being loaded in %s mode: stopped, exit 143, destination keeps its previous rows', async (writeMode) => {
    const table = `stop_${writeMode}`;
    const script = { keyColumns: writeMode === 'merge' ? ['K', 'V', 'W'] : [] };
    const seed = await runLibrary(postgresJobSpec({ sql: MANY_ROWS_SQL.replace('first 2000000', 'first 10'), table, writeMode, script }), firebird.readerPassword, pgUrl);
    expect(seed.summary).toMatchObject({ status: 'succeeded', rowsWritten: 10 });
    const before = await queryRows(pgUrl, `select k, v, w from ${table} order by k, v, w`);

    const run = await spawnExtractorAndStop(
      extractorEnv(postgresJobSpec({ sql: MANY_ROWS_SQL, table, writeMode, script }), firebird.readerPassword, pgUrl),
      '"reading 2000000 rows',
      1000,
    );
    expect(run.code).toBe(143);
    expect(run.stoppedWithinMs).toBeLessThan(10_000);
    expect(run.summary?.status).toBe('stopped');
    expect(run.summary?.rowsRead).toBeGreaterThan(0); // rows had reached the destination's load
    expect(run.summary?.rowsWritten).toBe(0);
    expect(await queryRows(pgUrl, `select k, v, w from ${table} order by k, v, w`)).toEqual(before);
    expect(await queryRows(pgUrl, `select to_regclass('public.${table}__etl_load') is null as no_leftover`)).toEqual([{ no_leftover: true }]);
  });
});

describe('classified errors', () => {
  const cases: Array<{ name: string; overrides: Parameters<typeof postgresJobSpec>[0]; password?: string; kind: string; message: RegExp; exit: number }> = [
    {
      name: 'unreachable host',
      overrides: { sql: 'select 1 from RDB$DATABASE', table: 'e1', source: { port: 1 } },
      kind: 'unreachable',
      message: /Firebird server 127\.0\.0\.1:1 is unreachable \(ECONNREFUSED\)/,
      exit: 75,
    },
    {
      name: 'wrong password',
      overrides: { sql: 'select 1 from RDB$DATABASE', table: 'e2' },
      password: WRONG_PASSWORD,
      kind: 'auth',
      message: /refused the login of user ETL_READER at 127\.0\.0\.1:3050: the user name or password is wrong/,
      exit: 78,
    },
    {
      name: 'unknown database',
      overrides: { sql: 'select 1 from RDB$DATABASE', table: 'e3', database: 'no_such_alias' },
      kind: 'unknown-database',
      message: /has no database "no_such_alias": check the path or alias/,
      exit: 78,
    },
    {
      name: 'SQL syntax error',
      overrides: { sql: 'selec EMP_NO from EMPLOYEE', table: 'e4' },
      kind: 'sql',
      message: /is not valid SQL for this database: Dynamic SQL Error, SQL error code = -104, Token unknown - line 1, column 1, selec/,
      exit: 65,
    },
    {
      name: 'unknown table',
      overrides: { sql: 'select * from NO_SUCH_TABLE', table: 'e5' },
      kind: 'sql',
      message: /Table unknown, NO_SUCH_TABLE/,
      exit: 65,
    },
  ];

  test.each(cases)('$name -> $kind', async ({ overrides, password, kind, message, exit }) => {
    const run = await spawnExtractor({
      ETL_JOB_SPEC: JSON.stringify(postgresJobSpec(overrides)),
      ETL_SOURCE_PASSWORD: password ?? firebird.readerPassword,
      ETL_DEST_POSTGRES_URL: pgUrl,
      ETL_TERMINATION_LOG: '/dev/null',
    });
    expect(run.summary?.status).toBe('failed');
    expect(run.summary?.error?.kind).toBe(kind);
    expect(run.summary?.error?.message).toMatch(message);
    expect(run.code).toBe(exit);
    expect(run.stdout + run.stderr).not.toContain(password ?? firebird.readerPassword);
    expect(await queryRows(pgUrl, `select to_regclass('public.${overrides.table}') is null as missing`)).toEqual([{ missing: true }]);
  });

  test('an unreachable Postgres destination is "unreachable" with a hint about its connection URL, not a transient error', async () => {
    const run = await spawnExtractor({
      ETL_JOB_SPEC: JSON.stringify(postgresJobSpec({ sql: 'select 1 from RDB$DATABASE', table: 'e6' })),
      ETL_SOURCE_PASSWORD: firebird.readerPassword,
      ETL_DEST_POSTGRES_URL: 'postgres://loader:dest-secret@127.0.0.1:1/warehouse',
      ETL_TERMINATION_LOG: '/dev/null',
    });
    expect(run.summary?.status).toBe('failed');
    expect(run.summary?.error?.kind).toBe('unreachable');
    expect(run.summary?.error?.hint).toBe("check the host and port in the destination's connection URL");
    expect(run.summary?.error?.message).toMatch(/ECONNREFUSED/);
    expect(run.stdout + run.stderr).not.toContain('dest-secret');
  });

  test('a Node.js process warning during a run becomes a structured WARNING line, not bare stderr text', async () => {
    // A preloaded module stands in for a library that emits a deprecation warning mid-run.
    const dir = mkdtempSync(join(tmpdir(), 'etl-warning-'));
    const preload = join(dir, 'warn.cjs');
    // Emitted once the run has written its first line (the run has begun, whatever the machine's speed).
    writeFileSync(preload, [
      'const write = process.stdout.write.bind(process.stdout);',
      'let done = false;',
      "process.stdout.write = (...args) => { if (!done) { done = true; process.nextTick(() => process.emitWarning('pg: this option is deprecated', 'DeprecationWarning')); } return write(...args); };",
    ].join('\n'));
    const run = await spawnExtractor({
      ETL_JOB_SPEC: JSON.stringify(postgresJobSpec({ sql: 'select first 1 EMP_NO from EMPLOYEE', table: 'e7' })),
      ETL_SOURCE_PASSWORD: firebird.readerPassword,
      ETL_DEST_POSTGRES_URL: pgUrl,
      ETL_TERMINATION_LOG: '/dev/null',
      NODE_OPTIONS: `--require ${preload}`,
    });
    rmSync(dir, { recursive: true, force: true });
    expect(run.stderr).toBe('');
    const warnings = run.stdout.split('\n').filter((l) => l.includes('Node.js warning')).map((l) => JSON.parse(l) as { severity: string; message: string; time: string });
    expect(warnings.map((w) => [w.severity, w.message])).toEqual([['WARNING', 'Node.js warning: DeprecationWarning: pg: this option is deprecated']]);
    expect(Number.isNaN(Date.parse(warnings[0]!.time))).toBe(false);
  });

  test('a script that writes fails clearly in the read-only transaction and changes nothing', async () => {
    const { summary } = await runLibrary(
      postgresJobSpec({ sql: "update COUNTRY set CURRENCY = 'X' where COUNTRY = 'USA'", table: 'e6', source: { user: firebird.user } }),
      firebird.password,
      pgUrl,
    );
    expect(summary.status).toBe('failed');
    expect(summary.error).toEqual({
      kind: 'sql',
      message: 'script "test script" is not a SELECT; the extractor only runs queries, in a read-only transaction',
      hint: 'the script must be a single SELECT',
    });
    // A SELECT-shaped statement that writes: the read-only transaction refuses it on the server.
    const blockWrite = await runLibrary(
      postgresJobSpec({
        sql: "execute block returns (x integer) as begin update COUNTRY set CURRENCY = CURRENCY where COUNTRY = 'USA'; x = 1; suspend; end",
        table: 'e7',
        source: { user: firebird.user },
      }),
      firebird.password,
      pgUrl,
    );
    expect(blockWrite.summary.error).toEqual({
      kind: 'sql',
      message: 'script "test script" tries to change data; the extractor runs scripts in a read-only transaction and changed nothing (Attempted update during read - only transaction, At block line: 1, col: 44)',
      hint: 'the script must be a single SELECT',
    });
  });

  test('truncate with zero rows refuses to empty the destination unless allowEmpty', async () => {
    const table = 'empty_target';
    await runLibrary(postgresJobSpec({ sql: 'select COUNTRY from COUNTRY', table }), firebird.readerPassword, pgUrl);
    const empty = postgresJobSpec({ sql: "select COUNTRY from COUNTRY where COUNTRY = 'Atlantis'", table });
    const refused = await runLibrary(empty, firebird.readerPassword, pgUrl);
    expect(refused.summary.error).toEqual({
      kind: 'empty-result',
      message: 'script "test script" returned no rows; truncate mode refuses to empty postgres public.empty_target',
      hint: 'if an empty result is legitimate, allow empty results on the script',
    });
    expect(await queryRows(pgUrl, `select count(*)::int as n from ${table}`)).toEqual([{ n: 16 }]);
    const allowed = await runLibrary({ ...empty, script: { ...empty.script, allowEmpty: true } }, firebird.readerPassword, pgUrl);
    expect(allowed.summary).toMatchObject({ status: 'succeeded', rowsWritten: 0 });
    expect(await queryRows(pgUrl, `select count(*)::int as n from ${table}`)).toEqual([{ n: 0 }]);
  });

  test('missing source password and invalid job spec are configuration errors (exit 78)', async () => {
    const noPassword = await spawnExtractor({ ETL_JOB_SPEC: JSON.stringify(postgresJobSpec({ sql: 'select 1 from RDB$DATABASE', table: 'e8' })) });
    expect(noPassword.code).toBe(78);
    expect(noPassword.summary?.error).toEqual({ kind: 'config', message: 'ETL_SOURCE_PASSWORD is not set: the source password must come from its secret' });
    const badSpec = await spawnExtractor({ ETL_JOB_SPEC: '{"version":1}', ETL_SOURCE_PASSWORD: 'x' });
    expect(badSpec.code).toBe(78);
    expect(badSpec.summary?.error?.message).toBe('invalid job spec: source must be an object');
  });
});
