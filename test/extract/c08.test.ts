// C08 (shared/cases/README.md): full-table reads that end early must fail, never succeed.
// A 5,000-row table of ~1 KB rows (BIGINT id + VARCHAR(1000)) read from real Firebird and loaded
// into BigQuery (nock) in load-job batches. The memory side of C08 (3,000,000 rows under a 512 MiB
// heap) is a benchmark: `npm run bench:extract -- --c08 3000000` (README "extractor").
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import nock from 'nock';
import Firebird from 'node-firebird';
import type { JobSpec } from '../../jobs/contract/src/job-spec.js';
import type { BigQueryDestination } from '../../jobs/extract/src/destination/bigquery-destination.js';
import { bigQueryDestination, createDestinationFactory } from '../../jobs/extract/src/destination/factory.js';
import type { DestinationRequest } from '../../jobs/extract/src/run-extraction.js';
import { FirebirdSource } from '../../jobs/extract/src/source/firebird-source.js';
import { firebird } from '../support/firebird.js';
import { API, client, fast, PROJECT_PATH, stagingTable, TABLES_PATH, uploadedRows } from './support/bigquery-nock.js';
import { postgresJobSpec, runLibrary } from './support/extractor.js';
import { c08TableSql, createFixtureDatabase, type Fixture } from './support/firebird-fixtures.js';

const ROWS = 5000;
const CHUNK_BYTES = 1024 * 1024;
const STAGING = stagingTable('big');
let fixture: Fixture;

beforeAll(() => {
  nock.disableNetConnect();
  fixture = createFixtureDatabase('c08', 'UTF8', c08TableSql(ROWS));
}, 120_000);
// Jest runs several test files in one worker: un-patch http so the next file's nock starts clean.
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});
afterEach(() => {
  nock.cleanAll();
  jest.restoreAllMocks();
});

function spec(): JobSpec {
  const base = postgresJobSpec({ sql: 'select ID, TXT from BIGT', table: 'big', database: fixture.database, source: { user: firebird.user, charset: 'UTF8' } });
  return { ...base, destination: { kind: 'bigquery', projectId: 'p1', dataset: 'ds', table: 'big', writeMode: 'truncate' } };
}

function run(onBegin?: () => Promise<void>) {
  const createDestination = createDestinationFactory({
    bigQuery: (request: DestinationRequest) => {
      const destination: BigQueryDestination = bigQueryDestination(request, client(), { ...fast, chunkBytes: CHUNK_BYTES });
      if (onBegin) {
        const begin = destination.begin.bind(destination);
        destination.begin = async (columns) => {
          await onBegin();
          return begin(columns);
        };
      }
      return destination;
    },
  });
  return runLibrary(spec(), firebird.password, undefined, { createDestination });
}

/** Staging table + load jobs; every load job reports the rows it received (or fewer, via `loaded`). */
function stubLoads(options: { loaded?: (received: number, job: number) => number } = {}) {
  const received: number[] = [];
  const uploadBytes: number[] = [];
  nock(API).get(`${TABLES_PATH}/big`).query(true).reply(404, { error: { code: 404, message: 'Not found: Table p1:ds.big' } });
  nock(API).delete(`${TABLES_PATH}/${STAGING}`).query(true).reply(404, {});
  nock(API).post(TABLES_PATH).query(true).reply(200, (_uri, body) => body);
  nock(API)
    .post(`/upload${PROJECT_PATH}/jobs`)
    .query(true)
    .times(100)
    .reply(200, (_uri, body) => {
      received.push(uploadedRows(String(body)).length);
      uploadBytes.push(Buffer.byteLength(String(body)));
      return { jobReference: { projectId: 'p1', jobId: `load${received.length}` }, status: { state: 'RUNNING' } };
    });
  nock(API)
    .get(/\/bigquery\/v2\/projects\/p1\/jobs\/load\d+/)
    .query(true)
    .times(100)
    .reply(200, (uri) => {
      const job = Number(/load(\d+)/.exec(uri)![1]);
      const rows = options.loaded ? options.loaded(received[job - 1]!, job) : received[job - 1]!;
      return { status: { state: 'DONE' }, statistics: { load: { outputRows: String(rows) } } };
    });
  const dropped = nock(API).delete(`${TABLES_PATH}/${STAGING}`).query(true).reply(204);
  return { received, uploadBytes, dropped };
}

function stubCommit() {
  const copy = nock(API).post(`${PROJECT_PATH}/jobs`).query(true).reply(200, { jobReference: { projectId: 'p1', jobId: 'etl_exec-test_commit' }, status: { state: 'RUNNING' } });
  nock(API).get(/\/bigquery\/v2\/projects\/p1\/jobs\/etl_exec-test_commit_\d+/).query(true).reply(200, { status: { state: 'DONE' } });
  return copy;
}

interface FetchResult {
  data: unknown[][];
  fetched: boolean;
}

/** The driver bug of C08: the sequential read stops after `limit` rows with no error. */
function readStopsAfter(limit: number): void {
  const proto = FirebirdSource.prototype as unknown as { fetch(statement: unknown): Promise<FetchResult> };
  const original = proto.fetch;
  let delivered = 0;
  jest.spyOn(proto, 'fetch').mockImplementation(async function (this: unknown, statement: unknown) {
    const result = await original.call(this, statement);
    const data = result.data.slice(0, Math.max(limit - delivered, 0));
    delivered += data.length;
    return { data, fetched: result.fetched || delivered >= limit };
  });
}

describe('C08', () => {
  test('C08: a read that ends early (750 of 5,000 rows) fails with "row count mismatch: expected 5000, got 750" and loads nothing', async () => {
    readStopsAfter(750);
    const loads = stubLoads();
    const copy = stubCommit();
    const { summary } = await run();
    expect(summary.status).toBe('failed');
    expect(summary).toMatchObject({ rowsRead: 750, rowsWritten: 0 });
    expect(summary.error).toEqual({
      kind: 'data',
      message: 'row count mismatch: expected 5000, got 750',
      hint: 'the rows read differ from COUNT(*) in the same snapshot, so nothing was loaded; run again (a repeated mismatch points at the driver or the network)',
    });
    expect(copy.isDone()).toBe(false);
    expect(loads.dropped.isDone()).toBe(true);
  });

  test('C08: a destination that received fewer rows than were read fails with "row count mismatch: expected 5000, got 4999"', async () => {
    const loads = stubLoads({ loaded: (received, job) => (job === 2 ? received - 1 : received) });
    const copy = stubCommit();
    const { summary } = await run();
    expect(summary.status).toBe('failed');
    expect(summary.error).toEqual({ kind: 'data', message: 'row count mismatch: expected 5000, got 4999' });
    expect(copy.isDone()).toBe(false);
    expect(loads.dropped.isDone()).toBe(true);
  });

  test('C08: 5,000 rows of ~1 KB go to BigQuery in load-job batches; COUNT(*) comes from the read snapshot', async () => {
    const loads = stubLoads();
    const copy = stubCommit();
    // After the count, before the first fetch, another connection commits 10 inserts and 3 deletes.
    // The run must still read and count the 5,000 rows of its own snapshot.
    const { summary, lines } = await run(async () => {
      const db = await Firebird.attachAsync({ host: firebird.host, port: firebird.port, database: fixture.database, user: firebird.user, password: firebird.password });
      try {
        await db.queryAsync(`insert into BIGT (ID, TXT) select ID + 100000, TXT from BIGT where ID <= 10`);
        await db.queryAsync('delete from BIGT where ID in (1, 2, 3)');
      } finally {
        await db.detachAsync();
      }
    });
    expect(summary.error).toBeUndefined();
    expect(summary).toMatchObject({ status: 'succeeded', rowsRead: ROWS, rowsWritten: ROWS });
    expect(lines.map((l) => JSON.parse(l).message as string).filter((m) => m.startsWith('reading '))).toEqual(['reading 5000 rows in 2 columns']);
    expect(copy.isDone()).toBe(true);
    expect(loads.dropped.isDone()).toBe(true);
    // ~1.2 KB NDJSON lines (1,000 characters, some of them 2 bytes) in 1 MiB load jobs: six batches.
    expect(loads.received).toEqual([860, 859, 859, 859, 859, 704]);
    expect(loads.received.reduce((a, b) => a + b, 0)).toBe(ROWS);
    expect(Math.max(...loads.uploadBytes)).toBeLessThan(CHUNK_BYTES + 4096);
    // The table really changed meanwhile: a fresh count sees 5,007 rows.
    const db = await Firebird.attachAsync({ host: firebird.host, port: firebird.port, database: fixture.database, user: firebird.user, password: firebird.password });
    try {
      expect(await db.queryAsync('select count(*) as N from BIGT')).toEqual([{ N: 5007 }]);
    } finally {
      await db.detachAsync();
    }
  });
});
