// End-to-end slice: real Firebird (alias `employee`) -> real PostgreSQL, through the library and
// through the built process exactly as the control plane spawns it.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../support/postgres.js';
import { firebird } from '../support/firebird.js';
import { buildExtractor, postgresJobSpec, runLibrary, spawnExtractor } from './support/extractor.js';
import { queryRows } from './support/postgres-rows.js';

const EMPLOYEE_SQL = 'select EMP_NO, FIRST_NAME, LAST_NAME, HIRE_DATE, DEPT_NO, SALARY, FULL_NAME from EMPLOYEE';

let pgUrl: string;
beforeAll(async () => {
  pgUrl = await createTestDatabase('extract_employee');
  buildExtractor();
});

describe('EMPLOYEE -> postgres', () => {
  test('library run loads 42 rows with exact values and a Firebird-derived schema', async () => {
    const { summary, lines } = await runLibrary(postgresJobSpec({ sql: EMPLOYEE_SQL, table: 'employee' }), firebird.readerPassword, pgUrl);
    expect(summary).toMatchObject({ summary: true, status: 'succeeded', rowsRead: 42, rowsWritten: 42, executionId: 'exec-test', runName: 'run-test' });
    const rows = await queryRows(pgUrl, `select emp_no, first_name, last_name, hire_date::text as hire_date, dept_no, salary::text as salary, full_name from employee where emp_no = 2`);
    expect(rows).toEqual([{ emp_no: 2, first_name: 'Robert', last_name: 'Nelson', hire_date: '1988-12-28 00:00:00', dept_no: '600', salary: '105900.00', full_name: 'Nelson, Robert' }]);
    const [{ n }] = await queryRows<{ n: string }>(pgUrl, 'select count(*)::text as n from employee');
    expect(n).toBe('42');
    const types = await queryRows(pgUrl, `select column_name, data_type, numeric_precision, numeric_scale, col_description('public.employee'::regclass, ordinal_position) as description
      from information_schema.columns where table_name = 'employee' order by ordinal_position`);
    expect(types).toEqual([
      { column_name: 'emp_no', data_type: 'smallint', numeric_precision: 16, numeric_scale: 0, description: 'Firebird column EMP_NO (SMALLINT)' },
      { column_name: 'first_name', data_type: 'text', numeric_precision: null, numeric_scale: null, description: 'Firebird column FIRST_NAME (VARCHAR)' },
      { column_name: 'last_name', data_type: 'text', numeric_precision: null, numeric_scale: null, description: 'Firebird column LAST_NAME (VARCHAR)' },
      { column_name: 'hire_date', data_type: 'timestamp without time zone', numeric_precision: null, numeric_scale: null, description: 'Firebird column HIRE_DATE (TIMESTAMP)' },
      { column_name: 'dept_no', data_type: 'text', numeric_precision: null, numeric_scale: null, description: 'Firebird column DEPT_NO (CHAR)' },
      { column_name: 'salary', data_type: 'numeric', numeric_precision: 19, numeric_scale: 2, description: 'Firebird column SALARY (NUMERIC scale 2)' },
      { column_name: 'full_name', data_type: 'text', numeric_precision: null, numeric_scale: null, description: 'Firebird column FULL_NAME (VARCHAR)' },
    ]);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.every((l) => typeof l.severity === 'string' && typeof l.time === 'string')).toBe(true);
    expect(parsed[0]!['logging.googleapis.com/labels']).toEqual({ etl_monitor_component: 'extractor', etl_monitor_execution: 'exec-test', etl_monitor_schedule: 'sched-test', etl_monitor_run: 'run-test' });
    expect(lines.join('\n')).not.toContain(firebird.readerPassword);
  });

  test('append adds rows; truncate replaces them atomically', async () => {
    const spec = postgresJobSpec({ sql: 'select COUNTRY, CURRENCY from COUNTRY', table: 'country', writeMode: 'append' });
    expect((await runLibrary(spec, firebird.readerPassword, pgUrl)).summary.status).toBe('succeeded');
    expect((await runLibrary(spec, firebird.readerPassword, pgUrl)).summary.rowsWritten).toBe(16);
    expect(await queryRows(pgUrl, 'select count(*)::int as n from country')).toEqual([{ n: 32 }]);
    const truncate = postgresJobSpec({ sql: 'select COUNTRY, CURRENCY from COUNTRY', table: 'country', writeMode: 'truncate' });
    expect((await runLibrary(truncate, firebird.readerPassword, pgUrl)).summary).toMatchObject({ status: 'succeeded', rowsWritten: 16 });
    expect(await queryRows(pgUrl, 'select count(*)::int as n from country')).toEqual([{ n: 16 }]);
  });

  test('colliding column names: same names every run, a second run changes no schema', async () => {
    const spec = postgresJobSpec({ sql: 'select COUNTRY, CURRENCY as "country", CURRENCY as "Ação" from COUNTRY', table: 'collide', writeMode: 'append' });
    const schema = () =>
      queryRows(pgUrl, `select column_name, data_type, col_description('public.collide'::regclass, ordinal_position) as description from information_schema.columns where table_name = 'collide' order by ordinal_position`);
    expect((await runLibrary(spec, firebird.readerPassword, pgUrl)).summary.status).toBe('succeeded');
    const first = await schema();
    expect(first).toEqual([
      { column_name: 'country', data_type: 'text', description: 'Firebird column COUNTRY (VARCHAR)' },
      { column_name: 'country_2', data_type: 'text', description: 'Firebird column country (VARCHAR)' },
      { column_name: 'acao', data_type: 'text', description: 'Firebird column Ação (VARCHAR)' },
    ]);
    expect((await runLibrary(spec, firebird.readerPassword, pgUrl)).summary).toMatchObject({ status: 'succeeded', rowsWritten: 16 });
    expect(await schema()).toEqual(first);
    expect(await queryRows(pgUrl, 'select count(*)::int as n from collide')).toEqual([{ n: 32 }]);
  });

  test('the built process loads EMPLOYEE, prints the summary last and writes the termination log', async () => {
    const terminationLog = join(mkdtempSync(join(tmpdir(), 'etl-term-')), 'termination-log');
    const run = await spawnExtractor({
      ETL_JOB_SPEC: JSON.stringify(postgresJobSpec({ sql: EMPLOYEE_SQL, table: 'employee_process' })),
      ETL_SOURCE_PASSWORD: firebird.readerPassword,
      ETL_DEST_POSTGRES_URL: pgUrl,
      ETL_EXECUTION_ID: 'exec-proc',
      ETL_RUN_NAME: 'etl-x-exec-proc',
      ETL_TERMINATION_LOG: terminationLog,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ summary: true, status: 'succeeded', rowsRead: 42, rowsWritten: 42, executionId: 'exec-proc', runName: 'etl-x-exec-proc' });
    expect(JSON.parse(readFileSync(terminationLog, 'utf8'))).toEqual(JSON.parse(lines.at(-1)!));
    expect(await queryRows(pgUrl, 'select count(*)::int as n from employee_process')).toEqual([{ n: 42 }]);
  });
});
