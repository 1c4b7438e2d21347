// The fetch gate (jobs/extract/src/source/fetch-gate.ts) hands node-firebird each op_fetch response
// whole. Rows read with it must be exactly the rows the ungated driver decodes, for every Firebird 3
// type (NULLs, empty and multi-byte VARCHARs, CHAR padding, OCTETS, BLOBs between fetches), for
// fetch sizes below and above 200, also when the server's bytes arrive in tiny TCP pieces (a proxy
// cuts them into 1..61-byte writes). And it must really engage: every fetch response handed over
// whole (the driver decodes it once), none handed back unscanned. (A fetch requested while a BLOB
// close is still deferred in the driver's queue is left to the driver: not armed, still exact.)
// Our own row decoder (row-decoder.ts), used for statements without BLOBs, must give exactly the
// rows of the driver path too: every type, NULLs, every fetch size, bytes in tiny pieces, and the
// charsets (WIN1252 connection, ISO8859_1, NONE holding WIN1252 bytes, undecodable bytes).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { SourceSpec } from '../../jobs/contract/src/job-spec.js';
import type { Row } from '../../jobs/extract/src/columns.js';
import { FetchGate, FetchResponseScanner, fetchGateCounts, fetchTaker, wireValueSize, type FetchResult, type GatedConnection } from '../../jobs/extract/src/source/fetch-gate.js';
import { RowDecoder } from '../../jobs/extract/src/source/row-decoder.js';
import { wireTextDecoder } from '../../jobs/extract/src/source/text-decoding.js';
import type { WireColumn } from '../../jobs/extract/src/source/firebird-types.js';
import type { SourceColumn } from '../../jobs/extract/src/columns.js';
import { FirebirdSource, sourceTuning } from '../../jobs/extract/src/source/firebird-source.js';
import { listenOnLoopback } from './support/tcp-proxy.js';
import { firebird } from '../support/firebird.js';
import { createFixtureDatabase, type Fixture } from './support/firebird-fixtures.js';

const ROWS = 1203;
const SQL = 'select * from T order by ID';
const NO_BLOBS = 'select ID, SI, I, BI, N41, D93, N152, N1810, F, DP, D, TM, TS, C, VC, B, VO, CO, C1, C2 from T order by ID';
let fixture: Fixture;

/**
 * Forwards Firebird's bytes to the client, cutting every read of 4 KB or more (fetch responses;
 * not the login, which node-firebird cannot take in pieces at all) into writes of 1..61 bytes.
 */
async function startSplittingProxy(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect(firebird.port, firebird.host);
    sockets.add(client).add(upstream);
    let piece = 0;
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      if (d.length < 4096) return void client.write(d);
      upstream.pause();
      let offset = 0;
      const next = (): void => {
        if (offset >= d.length) return void upstream.resume();
        const size = 1 + ((piece++ * 7) % 61);
        client.write(d.subarray(offset, offset + size));
        offset += size;
        setImmediate(next);
      };
      next();
    });
    for (const s of [client, upstream]) s.on('error', () => undefined);
  });
  return listenOnLoopback(server, sockets);
}

beforeAll(() => {
  fixture = createFixtureDatabase(
    'fetch_gate',
    'UTF8',
    `create table T (ID integer not null, SI smallint, I integer, BI bigint, N41 numeric(4,1), D93 decimal(9,3), N152 numeric(15,2), N1810 numeric(18,10),
  F float, DP double precision, D date, TM time, TS timestamp, C char(5), VC varchar(20), BT blob sub_type text, BB blob sub_type binary, B boolean,
  VO varchar(4) character set octets, CO char(3) character set octets, C1 char(1), C2 char(2));
insert into T values (1, -32768, 2147483647, 9223372036854775807, -123.4, 123456.789, 1234567890123.45, 12345678.0123456789, 1.5, 2.25,
  '2024-02-29', '13:45:30.1234', '2024-03-15 13:45:30.1234', 'ab', 'São', 'Ação', x'00FF', true, x'DEADBEEF', x'010203', 'ç', '😀𝄞');
insert into T (ID, B) values (2, false);
insert into T (ID) values (3);
set term ^;
execute block as declare i integer = 4; begin
  while (i <= ${ROWS}) do begin
    insert into T values (:i,
      iif(mod(:i, 7) = 0, null, mod(:i * 37, 65535) - 32767),
      iif(mod(:i, 11) = 0, null, :i * 1783),
      iif(mod(:i, 13) = 0, null, -9223372036854775807 + :i * 7654321987),
      iif(mod(:i, 5) = 0, null, mod(:i, 1999) / 10.0 - 99.9),
      mod(:i * 1000003, 999999999) / 1000.0,
      iif(mod(:i, 3) = 0, null, :i * 12345.67 - 5000000),
      :i / 1024.0,
      iif(mod(:i, 4) = 0, null, :i / 3.0),
      iif(mod(:i, 6) = 0, null, :i * 1.1e10),
      dateadd(:i day to date '2000-01-01'),
      iif(mod(:i, 9) = 0, null, dateadd(:i * 37 second to time '00:00:00.0001')),
      dateadd(mod(:i, 1000) millisecond to dateadd(:i * 3607 second to timestamp '2020-01-01 00:00:00')),
      iif(mod(:i, 8) = 0, null, substring('abçde' from 1 for mod(:i, 6))),
      substring('São João Ação descrição' from 1 for mod(:i, 21)),
      iif(mod(:i, 97) = 0, 'Observação ' || :i, null),
      iif(mod(:i, 89) = 0, x'00FF10', null),
      iif(mod(:i, 3) = 0, null, mod(:i, 2) = 0),
      iif(mod(:i, 2) = 0, x'DE', x'DEADBEEF'),
      iif(mod(:i, 10) = 0, null, x'0A0B0C'),
      iif(mod(:i, 2) = 0, 'é', 'e'),
      iif(mod(:i, 5) = 0, null, iif(mod(:i, 2) = 0, '😀', 'a😀')));
    i = i + 1; end
end^
set term ;^`,
  );
}, 120_000);

afterAll(() => {
  sourceTuning.fetchGate = true;
  sourceTuning.rowDecoder = true;
});

interface Read {
  rows: Row[];
  fetches: number;
  gatedFetches: number;
  decoderFetches: number;
  gate: { gated: number; taken: number; passedOn: number };
}

/** 'driver': node-firebird alone; 'gate': whole responses, the driver decodes; 'decoder': whole responses, our row decoder. */
type ReadPath = 'driver' | 'gate' | 'decoder';

async function read(path: ReadPath, fetchSize: number, port = firebird.port, sql = SQL, source: Partial<SourceSpec> = {}): Promise<Read> {
  const saved = { ...sourceTuning };
  sourceTuning.fetchGate = path !== 'driver';
  sourceTuning.rowDecoder = path === 'decoder';
  sourceTuning.fetchSize = fetchSize;
  const spec: SourceSpec = { host: firebird.host, port, database: fixture.database, user: firebird.user, charset: 'UTF8', timeZone: 'UTC', ...source };
  const reader = await FirebirdSource.open(spec, firebird.password, 'fetch gate');
  try {
    await reader.prepare(sql);
    const rows: Row[] = [];
    let fetches = 0;
    for await (const batch of reader.batches([], (row) => `ID=${String(row[0])}`)) {
      fetches++;
      rows.push(...batch);
    }
    const connection = (reader as unknown as { connection: GatedConnection }).connection;
    return { rows, fetches, gatedFetches: reader.gatedFetches, decoderFetches: reader.decoderFetches, gate: fetchGateCounts(connection) };
  } finally {
    await reader.close();
    Object.assign(sourceTuning, saved);
  }
}

describe('fetch gate', () => {
  let ungated: Read;

  beforeAll(async () => {
    ungated = await read('driver', 200);
  }, 60_000);

  test('the ungated driver reads every row of every type (the reference)', () => {
    expect(ungated.rows).toHaveLength(ROWS);
    expect(ungated.gatedFetches).toBe(0);
    expect(ungated.gate).toEqual({ gated: 0, taken: 0, passedOn: 0 });
    // the values of the type-mapping fixture row, as the driver + exact decoders give them
    expect(ungated.rows[0]!.slice(0, 15)).toEqual([1, -32768, 2147483647, '9223372036854775807', '-123.4', '123456.789', '1234567890123.45', '12345678.0123456789', 1.5, 2.25, '2024-02-29', '13:45:30.1234', '2024-03-15T13:45:30.1234', 'ab', 'São']);
    expect(ungated.rows[1]).toEqual([2, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, false, null, null, null, null]);
    // CHAR(2) of characters outside the BMP: both kept whole (the driver alone cut them to 2 UTF-16 code units: '😀')
    expect([ungated.rows[0]![21], ungated.rows[3]![21], ungated.rows[6]![21], ungated.rows[9]![21]]).toEqual(['😀𝄞', '😀', 'a😀', null]);
  });

  test.each([1, 7, 200, 1000, 5000])('gated, fetch size %i: exactly the ungated rows; every armed response handed over whole', async (fetchSize) => {
    const gated = await read('gate', fetchSize);
    expect(gated.rows).toEqual(ungated.rows);
    expect(gated.gatedFetches).toBeGreaterThan(0);
    expect(gated.gate).toEqual({ gated: gated.gatedFetches, taken: 0, passedOn: 0 });
    // with BLOB columns our row decoder stands aside: the same rows, decoded by the driver
    const withDecoder = await read('decoder', fetchSize);
    expect(withDecoder.rows).toEqual(ungated.rows);
    expect(withDecoder.decoderFetches).toBe(0);
  }, 60_000);

  test.each([1, 200, 1000])('without BLOB columns every fetch is gated (fetch size %i), rows exact', async (fetchSize) => {
    const plain = await read('driver', 200, firebird.port, NO_BLOBS);
    const gated = await read('gate', fetchSize, firebird.port, NO_BLOBS);
    expect(plain.rows).toHaveLength(ROWS);
    expect(gated.rows).toEqual(plain.rows);
    expect(gated.gatedFetches).toBe(gated.fetches);
    expect(gated.gate).toEqual({ gated: gated.fetches, taken: 0, passedOn: 0 });
    if (fetchSize === 1) expect(gated.fetches).toBe(ROWS + 1); // the last op_fetch only reports the end
  }, 60_000);

  test.each([1, 7, 200, 500, 1000, 5000])('our row decoder (fetch size %i): exactly the driver rows, every response decoded by it', async (fetchSize) => {
    const plain = await read('driver', 200, firebird.port, NO_BLOBS);
    const decoded = await read('decoder', fetchSize, firebird.port, NO_BLOBS);
    expect(decoded.rows).toEqual(plain.rows);
    expect(decoded.decoderFetches).toBe(decoded.fetches);
    expect(decoded.gate).toEqual({ gated: 0, taken: decoded.fetches, passedOn: 0 });
    if (fetchSize === 1) expect(decoded.fetches).toBe(ROWS + 1);
  }, 60_000);

  // Only the gated driver goes through the cutting proxy: under jest, node-firebird's own
  // reassembly fails (its `err instanceof RangeError` check does not recognise the RangeError that
  // Node's Buffer throws from outside jest's sandbox, so the error escapes its data handler).
  test('bytes arriving in 1..61-byte pieces: gated and ungated rows are the same, gated decodes each response once', async () => {
    const proxy = await startSplittingProxy();
    try {
      const plain = await read('driver', 300, firebird.port, NO_BLOBS);
      const gated = await read('gate', 300, proxy.port, NO_BLOBS);
      expect(plain.rows).toEqual(ungated.rows.map((row) => row.filter((_, i) => i !== 15 && i !== 16)));
      expect(gated.rows).toEqual(plain.rows);
      expect(gated.gate).toEqual({ gated: gated.fetches, taken: 0, passedOn: 0 });
      expect(gated.fetches).toBe(5);
      const decoded = await read('decoder', 300, proxy.port, NO_BLOBS);
      expect(decoded.rows).toEqual(plain.rows);
      expect(decoded.gate).toEqual({ gated: 0, taken: 5, passedOn: 0 });
    } finally {
      await proxy.close();
    }
  }, 120_000);
});

describe('our row decoder: charsets', () => {
  // Every WIN1252 byte that is assigned (0x20..0xFF without 0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D), in
  // VARCHAR and CHAR (padded), through a WIN1252 connection, an ISO8859_1 database and a NONE
  // database holding WIN1252 bytes; and the undecodable byte 0x81 in a NONE database.
  const assigned = Array.from({ length: 224 }, (_, i) => 0x20 + i).filter((b) => ![0x7f, 0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(b) && b !== 0x27);
  const win1252Text = Buffer.from(assigned).toString('latin1'); // the bytes as a JS string, one char each
  const latin1Text = Buffer.from(assigned.filter((b) => b < 0x80 || b >= 0xa0)).toString('latin1');
  const rowsSql = (text: string) =>
    Array.from({ length: 40 }, (_, i) => `insert into T values (${i + 1}, '${text.slice(i * 5, i * 5 + 30)}', '${text.slice(i * 3, i * 3 + 7)}');`).join('\n');
  const charsetDbs: Record<string, string> = {};

  beforeAll(() => {
    // The SQL is written in the fixture's byte charset: a JS string of chars <= U+00FF encodes byte for byte as latin1.
    charsetDbs.win1252 = createFixtureDatabase('decoder_win1252', 'WIN1252', `create table T (ID integer, VC varchar(40), C char(10));\n${rowsSql(Buffer.from(assigned).toString('latin1'))}`, 'latin1').database;
    charsetDbs.latin1 = createFixtureDatabase('decoder_latin1', 'ISO8859_1', `create table T (ID integer, VC varchar(40), C char(10));\n${rowsSql(latin1Text)}`, 'latin1').database;
    charsetDbs.none = createFixtureDatabase('decoder_none', 'NONE', `create table T (ID integer, VC varchar(40), C char(10));\n${rowsSql(win1252Text)}`, 'latin1').database;
    charsetDbs.noneBad = createFixtureDatabase('decoder_none_bad', 'NONE', `create table T (ID integer, VC varchar(40), C char(10));\ninsert into T values (1, 'ok', 'ok');\ninsert into T values (7, 'bad \u0081 byte', 'x');`, 'latin1').database;
  }, 120_000);

  const cases: Array<[string, string, Partial<SourceSpec>]> = [
    ['WIN1252 connection', 'win1252', { charset: 'WIN1252' }],
    ['ISO8859_1', 'latin1', { charset: 'ISO8859_1' }],
    ['NONE holding WIN1252', 'none', { charset: 'NONE', legacyCharset: 'WIN1252' }],
  ];
  test.each(cases)('%s: the driver path and our decoder give the same text', async (_name, db, charset) => {
    const sql = 'select ID, VC, C from T order by ID';
    const plain = await read('driver', 200, firebird.port, sql, { database: charsetDbs[db]!, ...charset });
    const decoded = await read('decoder', 7, firebird.port, sql, { database: charsetDbs[db]!, ...charset });
    expect(plain.rows).toHaveLength(40);
    expect(decoded.rows).toEqual(plain.rows);
    expect(decoded.gate.taken).toBe(decoded.fetches);
    // and the text is the real one: e.g. byte 0x80 is the euro sign in WIN1252, not U+0080
    const expected = db === 'latin1' ? latin1Text : new TextDecoder('windows-1252').decode(Buffer.from(assigned));
    expect(decoded.rows[0]).toEqual([1, expected.slice(0, 30), expected.slice(0, 7)]);
  }, 60_000);

  test('undecodable bytes fail the same way on both paths, naming the column and row', async () => {
    const spec = { database: charsetDbs.noneBad!, charset: 'NONE', legacyCharset: 'WIN1252' } as const;
    const message = 'column VC, row 2 (ID=7) of script "fetch gate" holds bytes that are not valid NONE holding WIN1252 text; refusing to load them as U+FFFD';
    await expect(read('driver', 200, firebird.port, 'select ID, VC from T order by ID', spec)).rejects.toMatchObject({ message: `table T, ${message}` });
    await expect(read('decoder', 200, firebird.port, 'select ID, VC from T order by ID', spec)).rejects.toMatchObject({ message: `table T, ${message}` });
  }, 60_000);
});

describe('fetch response scanner', () => {
  const int = (...values: number[]) => Buffer.concat(values.map((v) => { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; }));
  // columns: INTEGER, VARCHAR, TIMESTAMP; row 1 all set, row 2 VARCHAR null; then the closing response
  const sizes = [wireValueSize(496, 4)!, wireValueSize(448, 20)!, wireValueSize(510, 8)!];
  const row1 = Buffer.concat([int(66, 0, 1), Buffer.from([0, 0, 0, 0]), int(7), int(3), Buffer.from('abc\0'), int(1, 2)]);
  const row2 = Buffer.concat([int(66, 0, 1), Buffer.from([0b010, 0, 0, 0]), int(8), int(1, 2)]);
  const end = int(66, 100, 0);
  const response = Buffer.concat([row1, row2, end]);

  test('finds the end of a response only once all of it is there, byte by byte', () => {
    expect(sizes).toEqual([4, -1, 8]);
    const scanner = new FetchResponseScanner(sizes);
    const ends: number[] = [];
    for (let n = 1; n <= response.length; n++) ends.push(scanner.scan(response, n));
    expect(ends.slice(0, -1).every((e) => e === -1)).toBe(true);
    expect(ends.at(-1)).toBe(response.length);
    expect(new FetchResponseScanner(sizes).scan(Buffer.concat([response, int(9, 1, 2)]), response.length + 12)).toBe(response.length);
  });

  test('anything but op_fetch_response (an error op_response) is handed back unscanned', () => {
    expect(new FetchResponseScanner(sizes).scan(Buffer.concat([row1, int(9, 0, 0)]), row1.length + 12)).toBe(-2);
    expect(wireValueSize(999, 4)).toBeUndefined();
  });
});

describe('the gate with our row decoder, fed bytes directly', () => {
  const int = (...values: number[]) => Buffer.concat(values.map((v) => { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; }));
  // INTEGER, VARCHAR(20), TIMESTAMP: two rows (the second with a NULL VARCHAR), then the end of the cursor
  const wire = [
    { type: 496, subType: 0, scale: 0, length: 4, nullable: true },
    { type: 448, subType: 4, scale: 0, length: 20, nullable: true, charSetId: 4 },
    { type: 510, subType: 0, scale: 0, length: 8, nullable: true },
  ] as unknown as WireColumn[];
  const columns: SourceColumn[] = [
    { index: 0, sourceName: 'ID', type: 'INTEGER', scale: 0, nullable: true },
    { index: 1, sourceName: 'TXT', type: 'VARCHAR', scale: 0, nullable: true },
    { index: 2, sourceName: 'TS', type: 'TIMESTAMP', scale: 0, nullable: true },
  ];
  const response = Buffer.concat([
    int(66, 0, 1), Buffer.from([0, 0, 0, 0]), int(7), int(5), Buffer.from('Açç', 'utf8'), Buffer.alloc(3), int(58_364, 2),
    int(66, 0, 1), Buffer.from([0b010, 0, 0, 0]), int(-8), int(40_587, 36_000_000),
    int(66, 100, 0),
  ]);
  const rows = [[7, 'Açç', '2018-09-03T00:00:00.0002'], [-8, null, '1970-01-01T01:00:00']];
  // what the server sends next, for the request queued behind the fetch (an op_response: the rollback's)
  const trailing = int(9, 0, 0, 0, 0, 0, 1, 0);
  const sizes = wire.map((w) => wireValueSize(w.type, w.length)!);

  function setUp() {
    const delivered: Buffer[] = [];
    const gate = new FetchGate((data) => delivered.push(Buffer.from(data)));
    const results: Array<[unknown, FetchResult | undefined]> = [];
    const fetchCallback = (err: unknown, result?: FetchResult) => results.push([err, result]);
    const rollbackCallback = () => undefined;
    const connection = { _queue: [fetchCallback, rollbackCallback] as unknown[], _pending: ['fetch', 'rollback'] as unknown[] };
    gate.arm(sizes, fetchTaker(connection, RowDecoder.for(wire, columns, wireTextDecoder('UTF8', 'UTF8'))!));
    return { gate, delivered, results, connection, rollbackCallback };
  }

  test('a response and the next reply in one read: the fetch completes with our rows, the reply reaches the driver, the queue stays in step', () => {
    const { gate, delivered, results, connection, rollbackCallback } = setUp();
    gate.receive(Buffer.concat([response, trailing]));
    expect(results).toEqual([[undefined, { data: rows, fetched: true, decoded: true }]]);
    expect(connection._queue).toEqual([rollbackCallback]);
    expect(connection._pending).toEqual(['rollback']);
    expect(Buffer.concat(delivered).equals(trailing)).toBe(true);
    expect([gate.taken, gate.gated, gate.passedOn]).toEqual([1, 0, 0]);
  });

  test('the same bytes one at a time: the same rows, the reply after it untouched', () => {
    const { gate, delivered, results, connection, rollbackCallback } = setUp();
    const all = Buffer.concat([response, trailing]);
    for (let i = 0; i < all.length; i++) gate.receive(all.subarray(i, i + 1));
    expect(results).toEqual([[undefined, { data: rows, fetched: true, decoded: true }]]);
    expect(connection._queue).toEqual([rollbackCallback]);
    expect(Buffer.concat(delivered).equals(trailing)).toBe(true);
  });

  test('if the head of the queue is no longer that fetch, the response goes to the driver instead', () => {
    const { gate, delivered, results, connection } = setUp();
    connection._queue.shift();
    gate.receive(Buffer.concat([response, trailing]));
    expect(results).toEqual([]);
    expect(Buffer.concat(delivered).equals(Buffer.concat([response, trailing]))).toBe(true);
    expect([gate.taken, gate.gated]).toEqual([0, 1]);
  });

  test('an error reply instead of rows is handed to the driver unscanned', () => {
    const { gate, delivered, results } = setUp();
    gate.receive(trailing);
    expect(results).toEqual([]);
    expect(Buffer.concat(delivered).equals(trailing)).toBe(true);
    expect(gate.passedOn).toBe(1);
  });
});
