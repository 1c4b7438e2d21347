// BigQuery destination through load jobs, against nock: exact requests (staging schema, NDJSON
// payload, write dispositions, MERGE text), C10 row-error mapping and size limits, retries.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import nock from 'nock';
import type { JobSpec } from '../../jobs/contract/src/job-spec.js';
import type { Column } from '../../jobs/extract/src/columns.js';
import { BigQueryDestination } from '../../jobs/extract/src/destination/bigquery-destination.js';
import { bigQueryDestination, createDestinationFactory } from '../../jobs/extract/src/destination/factory.js';
import { ExtractionError, StopRequested } from '../../jobs/extract/src/errors.js';
import { RunLogger } from '../../jobs/extract/src/logger.js';
import { firebird } from '../support/firebird.js';
import { postgresJobSpec, runLibrary } from './support/extractor.js';
import { API, client, fast, PROJECT_PATH, stagingTable, TABLES_PATH, uploadedRows } from './support/bigquery-nock.js';

const P = PROJECT_PATH;
const TABLES = TABLES_PATH;
const STAGING = stagingTable('country');

function bigQuerySpec(sql: string, writeMode: JobSpec['destination']['writeMode'], keyColumns: string[] = []): JobSpec {
  const base = postgresJobSpec({ sql, table: 'country', script: { keyColumns } });
  return { ...base, destination: { kind: 'bigquery', projectId: 'p1', dataset: 'ds', table: 'country', location: 'EU', writeMode } };
}

const run = (spec: JobSpec) =>
  runLibrary(spec, firebird.readerPassword, undefined, { createDestination: createDestinationFactory({ bigQuery: (request) => bigQueryDestination(request, client(), fast) }) });

beforeAll(() => nock.disableNetConnect());
// Jest runs several test files in one worker: un-patch http so the next file's nock starts clean.
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});
afterEach(() => {
  nock.cleanAll();
});

const COUNTRY_SCHEMA = [
  { name: 'country', type: 'STRING', mode: 'NULLABLE', description: 'Firebird column COUNTRY (VARCHAR)' },
  { name: 'currency', type: 'STRING', mode: 'NULLABLE', description: 'Firebird column CURRENCY (VARCHAR)' },
];

function stubStagingAndLoad(requests: Record<string, unknown>, jobRows = '16') {
  nock(API).delete(`${TABLES}/${STAGING}`).query(true).reply(404, { error: { code: 404, message: 'Not found' } });
  nock(API)
    .post(TABLES, (body) => ((requests.createStaging = body), true))
    .query(true)
    .reply(200, (_uri, body) => body);
  nock(API)
    .post(`/upload${P}/jobs`, (body) => ((requests.upload = body), true))
    .query(true)
    .reply(200, { jobReference: { projectId: 'p1', jobId: 'etl_exec-test_load_1', location: 'EU' }, status: { state: 'RUNNING' } });
  nock(API).get(`${P}/jobs/etl_exec-test_load_1`).query(true).reply(200, { status: { state: 'DONE' }, statistics: { load: { outputRows: jobRows } } });
}

describe('BigQuery load jobs', () => {
  test('truncate: staging table with the Firebird schema, one NDJSON load, copy WRITE_TRUNCATE, staging dropped', async () => {
    const requests: Record<string, unknown> = {};
    nock(API).get(`${TABLES}/country`).query(true).reply(404, { error: { code: 404, message: 'Not found: Table p1:ds.country' } });
    stubStagingAndLoad(requests);
    nock(API)
      .post(`${P}/jobs`, (body) => ((requests.copy = body), true))
      .query(true)
      .reply(200, { jobReference: { projectId: 'p1', jobId: 'etl_exec-test_commit_2', location: 'EU' }, status: { state: 'RUNNING' } });
    nock(API).get(`${P}/jobs/etl_exec-test_commit_2`).query(true).reply(200, { status: { state: 'DONE' } });
    const dropped = nock(API).delete(`${TABLES}/${STAGING}`).query(true).reply(204);

    const { summary } = await run(bigQuerySpec('select COUNTRY, CURRENCY from COUNTRY order by COUNTRY', 'truncate'));
    expect(summary.error).toBeUndefined();
    expect(summary).toMatchObject({ status: 'succeeded', rowsRead: 16, rowsWritten: 16, destinationJobId: 'etl_exec-test_commit_2' });
    expect(requests.createStaging).toMatchObject({ tableReference: { tableId: STAGING }, schema: { fields: COUNTRY_SCHEMA } });
    const upload = String(requests.upload);
    expect(upload).toContain('"sourceFormat":"NEWLINE_DELIMITED_JSON"');
    expect(upload).toContain('"writeDisposition":"WRITE_APPEND"');
    expect(upload).toContain('"createDisposition":"CREATE_NEVER"');
    expect(uploadedRows(upload)).toHaveLength(16);
    expect(uploadedRows(upload)[0]).toBe('{"country":"Australia","currency":"ADollar"}');
    expect(requests.copy).toMatchObject({
      configuration: {
        copy: {
          sourceTable: { projectId: 'p1', datasetId: 'ds', tableId: STAGING },
          destinationTable: { projectId: 'p1', datasetId: 'ds', tableId: 'country' },
          writeDisposition: 'WRITE_TRUNCATE',
          createDisposition: 'CREATE_IF_NEEDED',
        },
      },
    });
    expect(dropped.isDone()).toBe(true);
  });

  test('merge: staging table -> one MERGE on the key columns -> staging dropped', async () => {
    const requests: Record<string, unknown> = {};
    nock(API).get(`${TABLES}/country`).times(2).query(true).reply(200, { schema: { fields: COUNTRY_SCHEMA } });
    stubStagingAndLoad(requests);
    const jobs: unknown[] = [];
    nock(API)
      .post(`${P}/jobs`, (body) => ((requests.merge = body), jobs.push(body), true))
      .query(true)
      .times(5)
      .reply(200, { jobReference: { projectId: 'p1', jobId: 'etl_exec-test_merge_2', location: 'EU' }, status: { state: 'RUNNING' } });
    nock(API).get(`${P}/jobs/etl_exec-test_merge_2`).query(true).reply(200, { status: { state: 'DONE' }, statistics: { query: { numDmlAffectedRows: '16' } } });
    const dropped = nock(API).delete(`${TABLES}/${STAGING}`).query(true).reply(204);

    const { summary } = await run(bigQuerySpec('select COUNTRY, CURRENCY from COUNTRY', 'merge', ['COUNTRY']));
    expect(summary).toMatchObject({ status: 'succeeded', rowsWritten: 16 });
    expect((requests.merge as { configuration: { query: { query: string } } }).configuration.query.query).toBe(
      `MERGE \`p1.ds.country\` T USING \`p1.ds.${STAGING}\` S ON T.\`country\` = S.\`country\` WHEN MATCHED THEN UPDATE SET \`currency\` = S.\`currency\` WHEN NOT MATCHED THEN INSERT (\`country\`, \`currency\`) VALUES (S.\`country\`, S.\`currency\`)`,
    );
    expect(jobs).toHaveLength(1); // the MERGE is the only job after the load: no copy, no second statement
    expect(dropped.isDone()).toBe(true);
  });

  test('append into a table whose schema differs fails as schema-conflict before loading anything', async () => {
    nock(API)
      .get(`${TABLES}/country`)
      .query(true)
      .reply(200, { schema: { fields: [{ name: 'country', type: 'INTEGER' }] } });
    const { summary } = await run(bigQuerySpec('select COUNTRY, CURRENCY from COUNTRY', 'append'));
    expect(summary.error).toEqual({
      kind: 'schema-conflict',
      message: 'destination bigquery p1.ds.country does not fit the script: column country is INT64, the script gives STRING; column currency is missing',
      hint: 'change the destination table, or load once in truncate mode to recreate it',
    });
  });

  test('permission denied is not retried and says which role is missing', async () => {
    const denied = nock(API)
      .get(`${TABLES}/country`)
      .query(true)
      .reply(403, { error: { code: 403, message: 'Access Denied: Table p1:ds.country: Permission bigquery.tables.get denied', errors: [{ reason: 'accessDenied', message: 'Access Denied: Table p1:ds.country: Permission bigquery.tables.get denied' }] } });
    const { summary } = await run(bigQuerySpec('select COUNTRY from COUNTRY', 'append'));
    expect(denied.isDone()).toBe(true);
    expect(summary.error?.kind).toBe('destination-refused');
    expect(summary.error?.message).toBe('BigQuery permission denied during reading table country: Access Denied: Table p1:ds.country: Permission bigquery.tables.get denied');
  });
});

describe('C10', () => {
  const columns: Column[] = [
    { index: 0, sourceName: 'ID', name: 'id', type: 'INTEGER', scale: 0, nullable: true },
    { index: 1, sourceName: 'NAME', name: 'name', type: 'VARCHAR', scale: 0, nullable: true },
  ];
  const spec = { kind: 'bigquery' as const, projectId: 'p1', dataset: 'ds', table: 't', writeMode: 'append' as const };
  const destination = (chunkBytes?: number) =>
    new BigQueryDestination(spec, client(), [], 'append', (row) => `ID=${JSON.stringify(row[0])}`, {
      runId: 'c10',
      log: new RunLogger({}, () => undefined, []),
      signal: new AbortController().signal,
      ...fast,
      ...(chunkBytes ? { chunkBytes } : {}),
    });

  test('C10: a rejected row is named by row index, column and reason; nothing is loaded', async () => {
    nock(API).get(`${TABLES}/t`).query(true).reply(200, { schema: { fields: [{ name: 'id', type: 'INTEGER' }, { name: 'name', type: 'STRING' }] } });
    nock(API).delete(`${TABLES}/t__etl_c10`).query(true).reply(404, {});
    nock(API).post(TABLES).query(true).reply(200, (_uri, body) => body);
    nock(API).post(`/upload${P}/jobs`).query(true).reply(200, { jobReference: { projectId: 'p1', jobId: 'j1' }, status: { state: 'RUNNING' } });
    const secondLine = Buffer.byteLength('{"id":1,"name":"a"}\n');
    nock(API)
      .get(`${P}/jobs/j1`)
      .query(true)
      .reply(200, {
        status: {
          state: 'DONE',
          errorResult: { reason: 'invalid', message: 'Error while reading data, error message: JSON table encountered too many errors, giving up. Rows: 1; errors: 1.' },
          errors: [
            { reason: 'invalid', message: 'Error while reading data, error message: JSON table encountered too many errors, giving up. Rows: 1; errors: 1.' },
            { reason: 'invalid', message: `Error while reading data, error message: JSON parsing error in row starting at position ${secondLine}: Could not convert value 'string_value: "abc"' to integer. Field: id; Value: abc` },
          ],
        },
      });
    const dropped = nock(API).delete(`${TABLES}/t__etl_c10`).query(true).reply(204);
    const d = destination();
    await d.begin(columns);
    await d.write([[1, 'a'], ['abc', 'b'], [3, 'c']]);
    const failure = await d.commit(3).catch((e: unknown) => e);
    await d.abort();
    expect(failure).toBeInstanceOf(ExtractionError);
    expect((failure as ExtractionError).kind).toBe('destination-refused');
    expect((failure as ExtractionError).message).toBe(
      `BigQuery refused row index 1 (ID="abc"), column id, value 'abc': reason 'invalid': Error while reading data, error message: JSON parsing error in row starting at position ${secondLine}: Could not convert value 'string_value: "abc"' to integer. Field: id; Value: abc. Nothing of this run was loaded.`,
    );
    expect(dropped.isDone()).toBe(true);
  });

  test('C10: 20,000 rows of ~1 KB go in loads under 10 MB; a 413 is "too large" and the chunk is split', async () => {
    nock(API).get(`${TABLES}/t`).query(true).reply(404, {});
    nock(API).delete(`${TABLES}/t__etl_c10`).query(true).reply(404, {});
    nock(API).post(TABLES).query(true).reply(200, (_uri, body) => body);
    const rowsByJob = new Map<string, number>();
    const uploadBytes: number[] = [];
    nock(API).post(`/upload${P}/jobs`).query(true).reply(413, '<html><title>413 Request Entity Too Large</title></html>');
    nock(API)
      .post(`/upload${P}/jobs`)
      .query(true)
      .times(20)
      .reply(200, (_uri, body) => {
        const jobId = `load${rowsByJob.size + 1}`;
        rowsByJob.set(jobId, uploadedRows(String(body)).length);
        uploadBytes.push(Buffer.byteLength(String(body)));
        return { jobReference: { projectId: 'p1', jobId }, status: { state: 'RUNNING' } };
      });
    nock(API)
      .get(/\/bigquery\/v2\/projects\/p1\/jobs\/load\d+/)
      .query(true)
      .times(20)
      .reply(200, (uri) => ({ status: { state: 'DONE' }, statistics: { load: { outputRows: String(rowsByJob.get(/(load\d+)/.exec(uri)![1]!)) } } }));
    nock(API).post(`${P}/jobs`).query(true).reply(200, { jobReference: { projectId: 'p1', jobId: 'etl_c10_commit_7' }, status: { state: 'RUNNING' } });
    nock(API).get(`${P}/jobs/etl_c10_commit_7`).query(true).reply(200, { status: { state: 'DONE' } });
    nock(API).delete(`${TABLES}/t__etl_c10`).query(true).reply(204);

    const d = destination();
    await d.begin(columns);
    const filler = 'x'.repeat(1000);
    for (let start = 0; start < 20_000; start += 1000) {
      await d.write(Array.from({ length: 1000 }, (_, i) => [start + i, filler]));
    }
    await expect(d.commit(20_000)).resolves.toEqual({ rowsWritten: 20_000, jobId: 'etl_c10_commit_7' });
    expect([...rowsByJob.values()].reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(Math.max(...uploadBytes)).toBeLessThan(10_485_760);
    // ~20 MB in ~5 MB chunks, the first one split in two halves after the 413 (loads run in
    // parallel, so the halves need not be the first uploads)
    expect(rowsByJob.size).toBe(5);
    expect(uploadBytes.filter((bytes) => bytes < 3 * 1024 * 1024)).toHaveLength(2);
  });
});

describe('incremental, retries, stop', () => {
  test('incremental: the watermark is MAX() read from the destination; only newer rows are loaded and appended', async () => {
    const requests: Record<string, unknown> = {};
    nock(API).get(`${TABLES}/country`).times(2).query(true).reply(200, { schema: { fields: COUNTRY_SCHEMA } });
    nock(API)
      .post(`${P}/jobs`, (body) => ((requests.watermark = body), Boolean(body.configuration?.query)))
      .query(true)
      .reply(200, { jobReference: { projectId: 'p1', jobId: 'etl_exec-test_watermark_1', location: 'EU' }, status: { state: 'RUNNING' } });
    nock(API).get(`${P}/jobs/etl_exec-test_watermark_1`).query(true).reply(200, { jobReference: { projectId: 'p1', jobId: 'etl_exec-test_watermark_1' }, status: { state: 'DONE' } });
    nock(API)
      .get(`${P}/queries/etl_exec-test_watermark_1`)
      .query(true)
      .reply(200, { jobComplete: true, totalRows: '1', schema: { fields: [{ name: 'watermark', type: 'STRING' }] }, rows: [{ f: [{ v: 'Japan' }] }] });
    stubStagingAndLoad(requests, '5');
    nock(API)
      .post(`${P}/jobs`, (body) => ((requests.copy = body), Boolean(body.configuration?.copy)))
      .query(true)
      .reply(200, { jobReference: { projectId: 'p1', jobId: 'etl_exec-test_commit_3', location: 'EU' }, status: { state: 'RUNNING' } });
    nock(API).get(`${P}/jobs/etl_exec-test_commit_3`).query(true).reply(200, { status: { state: 'DONE' } });
    nock(API).delete(`${TABLES}/${STAGING}`).query(true).reply(204);

    const spec = bigQuerySpec('select COUNTRY, CURRENCY from COUNTRY', 'incremental');
    const { summary, lines } = await run({ ...spec, script: { ...spec.script, watermarkColumn: 'COUNTRY' } });
    expect(summary.error).toBeUndefined();
    expect(summary).toMatchObject({ status: 'succeeded', rowsRead: 5, rowsWritten: 5 });
    expect((requests.watermark as { configuration: { query: { query: string } } }).configuration.query.query).toBe('SELECT CAST(MAX(`country`) AS STRING) AS watermark FROM `p1.ds.country`');
    expect(lines.map((l) => JSON.parse(l).message as string).filter((m) => m.startsWith('incremental'))).toEqual(['incremental load from watermark Japan']);
    expect(uploadedRows(String(requests.upload)).map((r) => JSON.parse(r).country).sort()).toEqual(['Netherlands', 'Romania', 'Russia', 'Switzerland', 'USA']);
    expect(requests.copy).toMatchObject({ configuration: { copy: { writeDisposition: 'WRITE_APPEND' } } });
  });

  const columns: Column[] = [{ index: 0, sourceName: 'ID', name: 'id', type: 'INTEGER', scale: 0, nullable: true }];
  const destinationSpec = { kind: 'bigquery' as const, projectId: 'p1', dataset: 'ds', table: 't', writeMode: 'append' as const };
  function destination(signal: AbortSignal, delays: number[], chunkBytes?: number) {
    return new BigQueryDestination(destinationSpec, client(), [], 'append', (row) => `ID=${JSON.stringify(row[0])}`, {
      ...(chunkBytes ? { chunkBytes } : {}),
      runId: 'r',
      log: new RunLogger({}, () => undefined, []),
      signal,
      pollMs: 1,
      backoffMs: 100,
      sleep: async (ms) => void delays.push(ms),
    });
  }
  function stubTableAndStaging() {
    nock(API).get(`${TABLES}/t`).query(true).reply(404, {});
    nock(API).delete(`${TABLES}/t__etl_r`).query(true).reply(404, {});
    nock(API).post(TABLES).query(true).reply(200, (_uri, body) => body);
  }

  test('transient errors (503 on upload, backendError load job) are retried with exponential backoff; the rows load once', async () => {
    stubTableAndStaging();
    const backendError = { code: 503, message: 'Backend error. Please try again.', errors: [{ reason: 'backendError', message: 'Backend error. Please try again.' }] };
    nock(API).post(`/upload${P}/jobs`).query(true).times(2).reply(503, { error: backendError });
    const uploads: number[] = [];
    nock(API)
      .post(`/upload${P}/jobs`)
      .query(true)
      .times(2)
      .reply(200, (_uri, body) => {
        uploads.push(uploadedRows(String(body)).length);
        return { jobReference: { projectId: 'p1', jobId: `j${uploads.length}` }, status: { state: 'RUNNING' } };
      });
    nock(API).get(`${P}/jobs/j1`).query(true).reply(200, { status: { state: 'DONE', errorResult: { reason: 'backendError', message: 'Backend error' }, errors: [{ reason: 'backendError', message: 'Backend error' }] } });
    nock(API).get(`${P}/jobs/j2`).query(true).reply(200, { status: { state: 'DONE' }, statistics: { load: { outputRows: '3' } } });
    nock(API).post(`${P}/jobs`).query(true).reply(200, { jobReference: { projectId: 'p1', jobId: 'etl_r_commit_5' }, status: { state: 'RUNNING' } });
    nock(API).get(`${P}/jobs/etl_r_commit_5`).query(true).reply(200, { status: { state: 'DONE' } });
    nock(API).delete(`${TABLES}/t__etl_r`).query(true).reply(204);

    const delays: number[] = [];
    const d = destination(new AbortController().signal, delays);
    await d.begin(columns);
    await d.write([[1], [2], [3]]);
    await expect(d.commit(3)).resolves.toEqual({ rowsWritten: 3, jobId: 'etl_r_commit_5' });
    expect(delays).toEqual([100, 200, 100]); // two failed uploads, then one failed load job
    expect(uploads).toEqual([3, 3]);
  });

  test('reading goes on while a load job runs; commit waits for every load', async () => {
    stubTableAndStaging();
    let openGate = () => undefined as void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const uploads: number[] = [];
    nock(API)
      .post(`/upload${P}/jobs`)
      .query(true)
      .times(2)
      .reply(200, (_uri, body) => {
        uploads.push(uploadedRows(String(body)).length);
        return { jobReference: { projectId: 'p1', jobId: `job${uploads.length}` }, status: { state: 'RUNNING' } };
      });
    // The first load job stays RUNNING until the gate opens.
    nock(API)
      .get(`${P}/jobs/job1`)
      .query(true)
      .reply(200, async () => {
        await gate;
        return { status: { state: 'DONE' }, statistics: { load: { outputRows: String(uploads[0]) } } };
      });
    nock(API).get(`${P}/jobs/job2`).query(true).reply(200, () => ({ status: { state: 'DONE' }, statistics: { load: { outputRows: String(uploads[1]) } } }));
    nock(API).post(`${P}/jobs`).query(true).reply(200, { jobReference: { projectId: 'p1', jobId: 'etl_r_commit_3' }, status: { state: 'RUNNING' } });
    nock(API).get(`${P}/jobs/etl_r_commit_3`).query(true).reply(200, { status: { state: 'DONE' } });
    nock(API).delete(`${TABLES}/t__etl_r`).query(true).reply(204);

    const d = destination(new AbortController().signal, [], 64); // ~64 bytes per chunk: 8 lines of '{"id":N}\n'
    await d.begin(columns);
    // Without the overlap this write would wait for job1 forever (the gate is still closed).
    await d.write(Array.from({ length: 10 }, (_, i) => [i]));
    const committed = d.commit(10);
    openGate();
    await expect(committed).resolves.toEqual({ rowsWritten: 10, jobId: 'etl_r_commit_3' });
    expect(uploads).toEqual([8, 2]);
  });

  test('a permanent load error is not retried', async () => {
    stubTableAndStaging();
    const upload = nock(API).post(`/upload${P}/jobs`).query(true).times(2).reply(400, { error: { code: 400, message: 'Invalid schema update', errors: [{ reason: 'invalid', message: 'Invalid schema update' }] } });
    nock(API).delete(`${TABLES}/t__etl_r`).query(true).reply(204);
    const delays: number[] = [];
    const d = destination(new AbortController().signal, delays);
    await d.begin(columns);
    await d.write([[1]]);
    const failure = (await d.commit(1).catch((e: unknown) => e)) as ExtractionError;
    expect([failure.kind, failure.message]).toEqual(['schema-conflict', 'BigQuery load: Invalid schema update']);
    expect(delays).toEqual([]);
    expect(upload.pendingMocks()).toHaveLength(1); // one of the two allowed uploads was never made
  });

  test('stop (SIGTERM) while a load job runs: the job is cancelled and the staging table dropped', async () => {
    stubTableAndStaging();
    const controller = new AbortController();
    nock(API).post(`/upload${P}/jobs`).query(true).reply(200, { jobReference: { projectId: 'p1', jobId: 'slow' }, status: { state: 'RUNNING' } });
    nock(API)
      .get(`${P}/jobs/slow`)
      .query(true)
      .times(3)
      .reply(200, () => {
        controller.abort();
        return { status: { state: 'RUNNING' } };
      });
    const cancelled = nock(API).post(`${P}/jobs/slow/cancel`).query(true).reply(200, { job: { status: { state: 'DONE' } } });
    const dropped = nock(API).delete(`${TABLES}/t__etl_r`).query(true).reply(204);
    const d = destination(controller.signal, []);
    await d.begin(columns);
    await d.write([[1]]);
    const stopped = d.commit(1).catch((e: unknown) => e);
    await expect(stopped).resolves.toBeInstanceOf(StopRequested);
    await d.abort();
    expect(cancelled.isDone()).toBe(true);
    expect(dropped.isDone()).toBe(true);
  });
});

describe('column names', () => {
  test('colliding names are resolved the same way every run: a second run loads into the table with no schema change', async () => {
    const sql = 'select COUNTRY, CURRENCY as "country", CURRENCY as "Ação" from COUNTRY';
    const schemas: unknown[] = [];
    const loadRun = async (writeMode: 'truncate' | 'append', existing: unknown) => {
      if (existing) nock(API).get(`${TABLES}/country`).query(true).reply(200, { schema: { fields: existing } });
      else nock(API).get(`${TABLES}/country`).query(true).reply(404, { error: { code: 404, message: 'Not found' } });
      const requests: Record<string, unknown> = {};
      stubStagingAndLoad(requests);
      nock(API).post(`${P}/jobs`).query(true).reply(200, { jobReference: { projectId: 'p1', jobId: 'etl_exec-test_commit_2' }, status: { state: 'RUNNING' } });
      nock(API).get(`${P}/jobs/etl_exec-test_commit_2`).query(true).reply(200, { status: { state: 'DONE' } });
      nock(API).delete(`${TABLES}/${STAGING}`).query(true).reply(204);
      // Any other request (a table PATCH/PUT changing the schema) has no interceptor and fails the run.
      const { summary } = await run(bigQuerySpec(sql, writeMode));
      expect(summary).toMatchObject({ status: 'succeeded', rowsWritten: 16 });
      schemas.push((requests.createStaging as { schema: { fields: unknown[] } }).schema.fields);
    };
    await loadRun('truncate', null);
    await loadRun('append', schemas[0]);
    expect(schemas[0]).toEqual([
      { name: 'country', type: 'STRING', mode: 'NULLABLE', description: 'Firebird column COUNTRY (VARCHAR)' },
      { name: 'country_2', type: 'STRING', mode: 'NULLABLE', description: 'Firebird column country (VARCHAR)' },
      { name: 'acao', type: 'STRING', mode: 'NULLABLE', description: 'Firebird column Ação (VARCHAR)' },
    ]);
    expect(schemas[1]).toEqual(schemas[0]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
