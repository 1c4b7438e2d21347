// Field cases C01 C03 C04 C06 (shared/cases/README.md) against real Firebird fixture databases
// created by this file, plus charsets, FLOAT and the column-name rule.
import { beforeAll, describe, expect, test } from '@jest/globals';
import type { JobSpec } from '../../jobs/contract/src/job-spec.js';
import { bigQuerySchema, fixedPointType } from '../../jobs/extract/src/destination/bigquery-schema.js';
import { encodedLine } from './support/ndjson.js';
import { nameColumns } from '../../jobs/extract/src/column-names.js';
import { normalizeValue } from '../../jobs/extract/src/source/firebird-types.js';
import { createTestDatabase } from '../support/postgres.js';
import { firebird } from '../support/firebird.js';
import { CaptureDestination } from './support/capture-destination.js';
import { buildExtractor, postgresJobSpec, runLibrary, spawnExtractor } from './support/extractor.js';
import { createFixtureDatabase, type Fixture } from './support/firebird-fixtures.js';
import { queryRows } from './support/postgres-rows.js';

const SIXTY_ACCENTED = 'ÁÉÍÓÚÃÕÇÂÊ'.repeat(6);
let pgUrl: string;
const db: Record<string, Fixture> = {};

beforeAll(async () => {
  pgUrl = await createTestDatabase('extract_cases');
  buildExtractor();
  db.win1252 = createFixtureDatabase(
    'win1252',
    'WIN1252',
    `create table CLIENTE (ID integer not null primary key, ENDERECO varchar(60) character set WIN1252, NOTA blob sub_type text);
insert into CLIENTE values (1, 'AÇÃO', 'Observação');
insert into CLIENTE values (2, 'Cuiabá', null);
insert into CLIENTE values (3, 'Avenida João Pessoa, nº 10', '');
insert into CLIENTE values (4, '${SIXTY_ACCENTED}', null);
insert into CLIENTE values (5, 'Preço € “aspas” – ™ œ Ÿ', 'Preço € “aspas” – ™ œ Ÿ');`,
  );
  db.latin1 = createFixtureDatabase('latin1', 'ISO8859_1', `create table T (ID integer, TXT varchar(40));\ninsert into T values (1, 'AÇÃO São João ñ ü ß');`);
  db.none = createFixtureDatabase(
    'none_win1252',
    'NONE',
    `create table PESSOA (ID integer, NOME varchar(60), OBS blob sub_type text);
insert into PESSOA values (1, 'José Antônio Câmara Conceição', 'Preço € “aspas”');`,
  );
  // Byte 0x81 is unassigned in WIN1252: a value no decoder can turn into text.
  db.noneBad = createFixtureDatabase('none_bad', 'NONE', `create table PESSOA (ID integer, NOME varchar(60));\ninsert into PESSOA values (1, 'ok');\ninsert into PESSOA values (7, 'bad \u0081 byte');`, 'latin1');
  db.blobs = createFixtureDatabase(
    'blobs',
    'UTF8',
    `create table PRODUTO (CODE varchar(10), NOTES blob sub_type text, PHOTO blob sub_type 0);
create table TAMANHO (CODE varchar(10), SIZE_CODE varchar(2), POS integer);
insert into PRODUTO values ('98015', 'Observação: entregar após 18h', x'0000AF00040000000000050033353031');
insert into PRODUTO values ('98016', null, null);
insert into TAMANHO values ('98015', 'P', 1);
insert into TAMANHO values ('98015', 'M', 2);
insert into TAMANHO values ('98015', 'G', 3);`,
  );
  db.numbers = createFixtureDatabase(
    'numbers',
    'UTF8',
    `create table NUMEROS (ID integer, B bigint, N18 numeric(18,4), N9 numeric(9,2), F float, D double precision);
insert into NUMEROS values (1, 9007199254740993, 12345678901234.5678, 0.00, 1.1, 0.1);
insert into NUMEROS values (2, -9223372036854775808, -0.0001, -1234567.89, 16777217, -1.5e300);
insert into NUMEROS values (3, 9223372036854775807, 922337203685477.5807, 9999999.99, null, null);`,
  );
  db.dates = createFixtureDatabase(
    'dates',
    'UTF8',
    `create table DATAS (ID integer, D date, TS timestamp, T time);
insert into DATAS values (1, '2018-08-26', '2024-01-15 10:00:00', '00:00:00');
insert into DATAS values (2, '2024-02-29', '2024-07-15 10:00:00', '23:59:59.9999');
insert into DATAS values (3, '0001-01-01', '2024-10-27 02:30:00', '12:00:00.5');
insert into DATAS values (4, '9999-12-31', '2018-11-04 00:30:00', '03:04:05.006');
insert into DATAS values (5, null, '2024-03-15 13:45:30.1234', null);`,
  );
  db.allTypes = createFixtureDatabase(
    'all_types',
    'UTF8',
    `create table T (ID integer not null, SI smallint, I integer, BI bigint, N41 numeric(4,1), D93 decimal(9,3), N152 numeric(15,2), N1810 numeric(18,10),
  F float, DP double precision, D date, TM time, TS timestamp, C char(5), VC varchar(20), BT blob sub_type text, BB blob sub_type binary, B boolean,
  VO varchar(4) character set octets);
insert into T values (1, -32768, 2147483647, 9223372036854775807, -123.4, 123456.789, 1234567890123.45, 12345678.0123456789, 1.5, 2.25,
  '2024-02-29', '13:45:30.1234', '2024-03-15 13:45:30.1234', 'ab', 'São', 'Ação', x'00FF', true, x'DEADBEEF');
insert into T (ID, B) values (2, false);
insert into T (ID) values (3);`,
  );
}, 120_000);

function fixtureSpec(fixture: Fixture, sql: string, source: Partial<JobSpec['source']>, table = 'unused'): JobSpec {
  return postgresJobSpec({ sql, table, database: fixture.database, source: { user: firebird.user, ...source } });
}

async function capture(spec: JobSpec): Promise<{ destination: CaptureDestination; summary: Awaited<ReturnType<typeof runLibrary>>['summary'] }> {
  const destination = new CaptureDestination();
  const { summary } = await runLibrary(spec, firebird.password, undefined, { createDestination: () => destination });
  return { destination, summary };
}

describe('charsets', () => {
  test('C01: WIN1252 Portuguese text arrives exact (no U+FFFD, no ?, 60 characters kept)', async () => {
    const spec = fixtureSpec(db.win1252!, 'select ID, ENDERECO, NOTA from CLIENTE order by ID', { charset: 'WIN1252' }, 'c01_cliente');
    const { summary } = await runLibrary(spec, firebird.password, pgUrl);
    expect(summary).toMatchObject({ status: 'succeeded', rowsRead: 5, rowsWritten: 5 });
    const rows = await queryRows<{ endereco: string; nota: string | null }>(pgUrl, 'select endereco, nota from c01_cliente order by id');
    expect(rows).toEqual([
      { endereco: 'AÇÃO', nota: 'Observação' },
      { endereco: 'Cuiabá', nota: null },
      { endereco: 'Avenida João Pessoa, nº 10', nota: '' },
      { endereco: SIXTY_ACCENTED, nota: null },
      { endereco: 'Preço € “aspas” – ™ œ Ÿ', nota: 'Preço € “aspas” – ™ œ Ÿ' },
    ]);
    expect(Buffer.from(rows[0]!.endereco, 'utf8').toString('hex')).toBe('41c387c3834f');
    expect([...rows[3]!.endereco]).toHaveLength(60);
    const { destination } = await capture(spec);
    const payload = destination.rows.map((r) => encodedLine(destination.columns, r)).join('');
    expect(payload.split('\n')[0]).toBe('{"id":1,"endereco":"AÇÃO","nota":"Observação"}');
    expect(payload).not.toMatch(/[\uFFFD?]/);
  });

  test('ISO8859_1 source and NONE holding WIN1252 bytes decode exactly', async () => {
    const latin1 = await capture(fixtureSpec(db.latin1!, 'select TXT from T', { charset: 'ISO8859_1' }));
    expect(latin1.destination.records()).toEqual([{ txt: 'AÇÃO São João ñ ü ß' }]);
    const legacy = await capture(fixtureSpec(db.none!, 'select NOME, OBS from PESSOA', { charset: 'NONE', legacyCharset: 'WIN1252' }));
    expect(legacy.destination.records()).toEqual([{ nome: 'José Antônio Câmara Conceição', obs: 'Preço € “aspas”' }]);
  });

  test('undecodable bytes fail the run naming table, column and row key', async () => {
    const bad = await capture(fixtureSpec(db.noneBad!, 'select ID, NOME from PESSOA order by ID', { charset: 'NONE', legacyCharset: 'WIN1252' }));
    expect(bad.summary.status).toBe('failed');
    expect(bad.summary.error).toEqual({
      kind: 'data',
      message: 'table PESSOA, column NOME, row 2 (ID=7) of script "test script" holds bytes that are not valid NONE holding WIN1252 text; refusing to load them as U+FFFD',
      hint: 'set the legacy charset the NONE database really holds',
    });
    // NONE without a legacy charset insists on UTF-8: WIN1252 bytes fail instead of turning into U+FFFD.
    const undeclared = await capture(fixtureSpec(db.none!, 'select NOME from PESSOA', { charset: 'NONE' }));
    expect(undeclared.summary.error?.message).toBe('table PESSOA, column NOME, row 1 (NOME=\"Jos\uFFFD Ant\uFFFDnio C\uFFFDmara Concei\uFFFD\uFFFDo\") of script "test script" holds bytes that are not valid NONE holding UTF8 text; refusing to load them as U+FFFD');
  });
});

describe('values', () => {
  test('C03: text BLOB, LIST() and binary BLOB arrive as text and bytes, NULL stays NULL', async () => {
    const blobs = await capture(fixtureSpec(db.blobs!, 'select CODE, NOTES, PHOTO from PRODUTO order by CODE', { charset: 'UTF8' }));
    expect(blobs.destination.records()).toEqual([
      { code: '98015', notes: 'Observação: entregar após 18h', photo: Buffer.from('0000AF00040000000000050033353031', 'hex') },
      { code: '98016', notes: null, photo: null },
    ]);
    const lines = blobs.destination.rows.map((r) => encodedLine(blobs.destination.columns, r));
    expect(lines).toEqual(['{"code":"98015","notes":"Observação: entregar após 18h","photo":"AACvAAQAAAAAAAUAMzUwMQ=="}\n', '{"code":"98016"}\n']);
    expect(bigQuerySchema(blobs.destination.columns).map((f) => f.type)).toEqual(['STRING', 'STRING', 'BYTES']);
    const list = await capture(fixtureSpec(db.blobs!, "select LIST(SIZE_CODE, '/') as SIZES from (select SIZE_CODE from TAMANHO where CODE = '98015' order by POS)", { charset: 'UTF8' }));
    expect(list.destination.records()).toEqual([{ sizes: 'P/M/G' }]);
    expect(lines.join('')).not.toMatch(/\[Function\]|function\(/);

    const spec = fixtureSpec(db.blobs!, 'select CODE, NOTES, PHOTO from PRODUTO', { charset: 'UTF8' }, 'c03_produto');
    expect((await runLibrary(spec, firebird.password, pgUrl)).summary.status).toBe('succeeded');
    expect(await queryRows(pgUrl, "select code, notes, encode(photo, 'base64') as photo from c03_produto order by code")).toEqual([
      { code: '98015', notes: 'Observação: entregar após 18h', photo: 'AACvAAQAAAAAAAUAMzUwMQ==' },
      { code: '98016', notes: null, photo: null },
    ]);
  });

  test('C04: BIGINT and NUMERIC(18,x) arrive exact, NUMERIC(9,2) 0.00 too', async () => {
    const sql = 'select ID, B, N18, N9, F, D from NUMEROS order by ID';
    const { destination } = await capture(fixtureSpec(db.numbers!, sql, { charset: 'UTF8' }));
    expect(destination.records()).toEqual([
      { id: 1, b: '9007199254740993', n18: '12345678901234.5678', n9: '0.00', f: 1.1, d: 0.1 },
      { id: 2, b: '-9223372036854775808', n18: '-0.0001', n9: '-1234567.89', f: 16777216, d: -1.5e300 },
      { id: 3, b: '9223372036854775807', n18: '922337203685477.5807', n9: '9999999.99', f: null, d: null },
    ]);
    expect(bigQuerySchema(destination.columns).map((f) => `${f.name}:${f.type}`)).toEqual(['id:INT64', 'b:INT64', 'n18:NUMERIC', 'n9:NUMERIC', 'f:FLOAT64', 'd:FLOAT64']);
    expect(encodedLine(destination.columns, destination.rows[0]!)).toBe('{"id":1,"b":"9007199254740993","n18":"12345678901234.5678","n9":"0.00","f":1.1,"d":0.1}\n');

    const spec = fixtureSpec(db.numbers!, sql, { charset: 'UTF8' }, 'c04_numeros');
    expect((await runLibrary(spec, firebird.password, pgUrl)).summary.status).toBe('succeeded');
    expect(await queryRows(pgUrl, 'select b::text, n18::text, n9::text, f::text from c04_numeros order by id')).toEqual([
      { b: '9007199254740993', n18: '12345678901234.5678', n9: '0.00', f: '1.1' },
      { b: '-9223372036854775808', n18: '-0.0001', n9: '-1234567.89', f: '1.6777216e+07' },
      { b: '9223372036854775807', n18: '922337203685477.5807', n9: '9999999.99', f: null },
    ]);
  });

  test('C06: DATE/TIME/TIMESTAMP keep the wall clock under TZ=UTC, Europe/Berlin and America/Sao_Paulo', async () => {
    const outputs: unknown[] = [];
    for (const tz of ['UTC', 'Europe/Berlin', 'America/Sao_Paulo']) {
      const table = `c06_${tz.replace(/\W/g, '_').toLowerCase()}`;
      const run = await spawnExtractor({
        TZ: tz,
        ETL_JOB_SPEC: JSON.stringify(fixtureSpec(db.dates!, 'select ID, D, TS, T from DATAS', { charset: 'UTF8' }, table)),
        ETL_SOURCE_PASSWORD: firebird.password,
        ETL_DEST_POSTGRES_URL: pgUrl,
        ETL_TERMINATION_LOG: '/dev/null',
      });
      expect(run.code).toBe(0);
      outputs.push(await queryRows(pgUrl, `select id, d::text, ts::text, t::text from ${table} order by id`));
    }
    const expected = [
      { id: 1, d: '2018-08-26', ts: '2024-01-15 10:00:00', t: '00:00:00' },
      { id: 2, d: '2024-02-29', ts: '2024-07-15 10:00:00', t: '23:59:59.9999' },
      { id: 3, d: '0001-01-01', ts: '2024-10-27 02:30:00', t: '12:00:00.5' },
      { id: 4, d: '9999-12-31', ts: '2018-11-04 00:30:00', t: '03:04:05.006' },
      { id: 5, d: null, ts: '2024-03-15 13:45:30.1234', t: null },
    ];
    expect(outputs).toEqual([expected, expected, expected]);
    const { destination } = await capture(fixtureSpec(db.dates!, 'select ID, D, TS, T from DATAS where ID = 1', { charset: 'UTF8' }));
    expect(bigQuerySchema(destination.columns).map((f) => f.type)).toEqual(['INT64', 'DATE', 'DATETIME', 'TIME']);
    expect(encodedLine(destination.columns, destination.rows[0]!)).toBe('{"id":1,"d":"2018-08-26","ts":"2024-01-15T10:00:00","t":"00:00:00"}\n');
  });

  test('C06: a TIMESTAMP WITH TIME ZONE (Firebird 4) becomes a UTC TIMESTAMP', () => {
    const column = { index: 0, sourceName: 'TSTZ', type: 'TIMESTAMP WITH TIME ZONE' as const, scale: 0, nullable: true };
    // node-firebird decodes the FB4 wire value to the UTC instant; '2026-07-25 10:32:00 -03:00' is:
    expect(normalizeValue(column, new Date('2026-07-25T10:32:00-03:00'))).toBe('2026-07-25T13:32:00.000Z');
    expect(bigQuerySchema(nameColumns([column]))).toEqual([{ name: 'tstz', type: 'TIMESTAMP', mode: 'NULLABLE', description: 'Firebird column TSTZ (TIMESTAMP WITH TIME ZONE)' }]);
  });
});

describe('type mapping', () => {
  test('every Firebird 3 type -> its BigQuery type and exact NDJSON value (README "extractor" table)', async () => {
    const { destination, summary } = await capture(fixtureSpec(db.allTypes!, 'select * from T order by ID', { charset: 'UTF8' }));
    expect(summary.status).toBe('succeeded');
    expect(bigQuerySchema(destination.columns).map((f) => `${f.name}:${f.type}`)).toEqual([
      'id:INT64',
      'si:INT64',
      'i:INT64',
      'bi:INT64',
      'n41:NUMERIC',
      'd93:NUMERIC',
      'n152:NUMERIC',
      'n1810:BIGNUMERIC',
      'f:FLOAT64',
      'dp:FLOAT64',
      'd:DATE',
      'tm:TIME',
      'ts:DATETIME',
      'c:STRING',
      'vc:STRING',
      'bt:STRING',
      'bb:BYTES',
      'b:BOOL',
      'vo:BYTES',
    ]);
    expect(destination.rows.map((r) => encodedLine(destination.columns, r))).toEqual([
      '{"id":1,"si":-32768,"i":2147483647,"bi":"9223372036854775807","n41":"-123.4","d93":"123456.789","n152":"1234567890123.45","n1810":"12345678.0123456789","f":1.5,"dp":2.25,"d":"2024-02-29","tm":"13:45:30.1234","ts":"2024-03-15T13:45:30.1234","c":"ab","vc":"São","bt":"Ação","bb":"AP8=","b":true,"vo":"3q2+7w=="}\n',
      '{"id":2,"b":false}\n',
      '{"id":3}\n',
    ]);
  });

  test('NUMERIC when precision - scale <= 29 and scale <= 9, else BIGNUMERIC', () => {
    expect([fixedPointType(18, 0), fixedPointType(18, 9), fixedPointType(19, 10), fixedPointType(38, 9), fixedPointType(39, 9), fixedPointType(39, 0)]).toEqual([
      'NUMERIC',
      'NUMERIC',
      'BIGNUMERIC',
      'NUMERIC',
      'BIGNUMERIC',
      'BIGNUMERIC',
    ]);
  });
});

describe('column names', () => {
  test('deterministic valid names, case-insensitive collisions resolved, reserved prefixes avoided', () => {
    const source = ['ID', 'id', 'Ação', '1ST', 'FULL NAME', '_TABLE_X', '', 'X'.repeat(70), 'X'.repeat(70)];
    const named = nameColumns(source.map((sourceName, index) => ({ index, sourceName, type: 'INTEGER', scale: 0, nullable: true })));
    expect(named.map((c) => c.name)).toEqual(['id', 'id_2', 'acao', '_1st', 'full_name', 'c_table_x', 'col_7', 'x'.repeat(63), `${'x'.repeat(61)}_2`]);
  });
});
