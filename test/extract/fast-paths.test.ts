// The extractor's fast paths give exactly what the slow ones gave: the RC4 replacement is byte for
// byte the driver's own cipher (state carried across calls), INT64 text without BigInt equals the
// BigInt formatting, times and NDJSON lines keep their exact text, and the NDJSON encoder that writes
// straight into the chunk buffer writes exactly the UTF-8 bytes of those lines. No Firebird needed.
import { createRequire } from 'node:module';
import { describe, expect, test } from '@jest/globals';
import { arc4Transform, driverArc4Transform } from '../../jobs/extract/src/source/fast-arc4.js';
import { formatFirebirdDate, formatFirebirdTime, formatInt64, formatScaled } from '../../jobs/extract/src/source/firebird-types.js';
import { encodedLine, referenceLine } from './support/ndjson.js';
import { NdjsonRowEncoder, NO_ROOM } from '../../jobs/extract/src/destination/ndjson-encoder.js';
import { ChunkBuilder, chunkLine } from '../../jobs/extract/src/destination/ndjson-chunk.js';
import { nameColumns } from '../../jobs/extract/src/column-names.js';
import type { Row, SourceColumn } from '../../jobs/extract/src/columns.js';

type Arc4 = { _s: Uint8Array; _i: number; _j: number };
const Arc4Class = (createRequire(import.meta.url)('node-firebird/lib/wire/socket.js') as { Arc4: new (key: Buffer) => Arc4 }).Arc4;

/** Deterministic pseudo-random bytes (xorshift32). */
function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('RC4 wire cipher', () => {
  test('the fast transform is the driver transform, chunk after chunk, for several keys', () => {
    for (const seed of [1, 7, 12345]) {
      const key = bytes(20, seed);
      const driver = new Arc4Class(key);
      const fast = new Arc4Class(key);
      for (const size of [0, 1, 3, 255, 256, 4096, 65536, 17]) {
        const data = bytes(size, seed + size);
        const expected = driverArc4Transform.call(driver, data);
        expect(Buffer.compare(arc4Transform.call(fast, data), expected)).toBe(0);
      }
      expect([fast._i, fast._j, Buffer.from(fast._s).toString('hex')]).toEqual([driver._i, driver._j, Buffer.from(driver._s).toString('hex')]);
    }
  });

  test('known RC4 vector (key "Key", plaintext "Plaintext")', () => {
    const cipher = new Arc4Class(Buffer.from('Key'));
    expect(arc4Transform.call(cipher, Buffer.from('Plaintext')).toString('hex')).toBe('bbf316e8d940af0ad3');
  });
});

describe('INT64 text without BigInt', () => {
  const words = (value: bigint): [number, number] => [Number(BigInt.asIntN(64, value) >> 32n), Number(BigInt.asUintN(32, value))];
  const values = [0n, 1n, -1n, 5n, -5n, 99n, 100n, -100n, 4294967295n, 4294967296n, -4294967296n, -4294967297n, 2n ** 53n - 1n, -(2n ** 53n), 2n ** 53n, -(2n ** 53n) - 1n];
  values.push(9007199254740993n, 1234567890123456789n, 2n ** 63n - 1n, -(2n ** 63n), 9007199254740000n - 1n, 8999999999999999n, -8999999999999999n, 123456789012345678n);

  test('same text as the exact BigInt formatting for every scale 0..18', () => {
    for (const value of values) {
      for (let scale = 0; scale <= 18; scale++) expect(`${value}/${scale}: ${formatInt64(...words(value), scale)}`).toBe(`${value}/${scale}: ${formatScaled(value, scale)}`);
    }
  });

  test('exact values', () => {
    expect(formatInt64(...words(123456789012345678n), 4)).toBe('12345678901234.5678');
    expect(formatInt64(...words(-1n), 4)).toBe('-0.0001');
    expect(formatInt64(...words(0n), 2)).toBe('0.00');
    expect(formatInt64(...words(-(2n ** 63n)), 0)).toBe('-9223372036854775808');
    expect(formatInt64(...words(9007199254740993n), 0)).toBe('9007199254740993');
    // just below a multiple of 10^scale near 2^53, where the float division rounds up
    expect(formatInt64(...words(8999999999999999n), 3)).toBe('8999999999999.999');
  });
});

describe('date and time text', () => {
  test('time of day with 100 µs fractions, trailing zeros dropped', () => {
    expect([0, 10_000 * 86_399 + 9_999, 5_000, 1_234, 10_000, 123_450_000 + 1_234, 120_005_000].map(formatFirebirdTime)).toEqual([
      '00:00:00',
      '23:59:59.9999',
      '00:00:00.5',
      '00:00:00.1234',
      '00:00:01',
      '03:25:45.1234',
      '03:20:00.5',
    ]);
  });

  test('dates from the Firebird day number', () => {
    expect([58_364, 0, 40_587, -678_575, 2_973_483].map(formatFirebirdDate)).toEqual(['2018-09-03', '1858-11-17', '1970-01-01', '0001-01-01', '9999-12-31']);
  });
});

describe('NDJSON line', () => {
  const source = (type: SourceColumn['type'], index: number, sourceName: string): SourceColumn => ({ index, sourceName, type, scale: 0, nullable: true });
  const columns = nameColumns([source('INTEGER', 0, 'ID'), source('NUMERIC', 1, 'VAL'), source('VARCHAR', 2, 'TXT'), source('TIMESTAMP', 3, 'TS'), source('DOUBLE PRECISION', 4, 'D')]);

  test('text is escaped, exact decimals and wall clocks are quoted as they are, NULL omitted', () => {
    expect(encodedLine(columns, [1, '-499998.75', 'a "q" \\ \n\t\u0001 São €', '2020-01-01T00:00:01.001', 0.1])).toBe(
      '{"id":1,"val":"-499998.75","txt":"a \\"q\\" \\\\ \\n\\t\\u0001 São €","ts":"2020-01-01T00:00:01.001","d":0.1}\n',
    );
    expect(encodedLine(columns, [null, null, null, null, Number.NaN])).toBe('{"d":"NaN"}\n');
    expect(encodedLine(columns, [null, null, null, null, null])).toBe('{}\n');
    expect(encodedLine(columns, [2, null, '', null, -Infinity])).toBe('{"id":2,"txt":"","d":"-Infinity"}\n');
  });
});

describe('NDJSON encoder (straight into the chunk buffer)', () => {
  const source = (type: SourceColumn['type'], index: number, sourceName: string): SourceColumn => ({ index, sourceName, type, scale: 0, nullable: true });
  const columns = nameColumns([
    source('INTEGER', 0, 'ID'),
    source('NUMERIC', 1, 'VAL'),
    source('VARCHAR', 2, 'TXT'),
    source('TIMESTAMP', 3, 'TS'),
    source('DOUBLE PRECISION', 4, 'D'),
    source('BOOLEAN', 5, 'B'),
    source('BLOB BINARY', 6, 'BIN'),
    source('CHAR', 7, 'Ação'),
  ]);
  const encoder = new NdjsonRowEncoder(columns);
  const encode = (row: Row): Buffer => {
    const buf = Buffer.alloc(encoder.maxBytes(row));
    return buf.subarray(0, encoder.write(row, buf, 0));
  };

  // every escape JSON.stringify makes, multi-byte text, surrogate pairs and lone surrogates
  const controls = Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)).join('');
  const texts = [
    '', 'plain', controls, '\u007f "quoted" \\ back\\slash /', 'São João € “aspas” – ™ œ Ÿ ß', '\u2028\u2029', '😀 emoji 𝄞',
    '\ud83d', 'x\ude00', '\ud83d\ud83d\ude00', '\ude00\ud83d', 'ab\ud800', 'ç'.repeat(2000), 'a\u0000b',
    // from 256 characters on the native JSON.stringify path: the same bytes
    `${'é'.repeat(300)}"\n\ud800${'😀'.repeat(10)}\\`, '\u0001'.repeat(256),
  ];
  const numbers = [0, -0, 1, -1, 0.1, 1e21, -1e-7, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Number.NaN, Infinity, -Infinity, 2147483647, 123456789.125];

  test('the exact bytes of the reference line for escapes, surrogates, numbers, booleans, BYTES and NULLs', () => {
    const rows: Row[] = [
      [null, null, null, null, null, null, null, null],
      ...texts.map((t, i): Row => [i, '-499998.75', t, '2020-01-01T00:00:01.001', numbers[i % numbers.length]!, i % 2 === 0, Buffer.from(t), t]),
      ...numbers.map((n, i): Row => [n, null, null, null, n, null, null, null]),
      [null, null, null, null, null, false, Buffer.alloc(0), ''],
      [7, null, null, null, null, true, Buffer.from([0, 255, 1, 254, 2]), null],
    ];
    for (const row of rows) expect(encode(row).toString('utf8')).toBe(referenceLine(columns, row));
    // lone surrogates cannot round-trip through a JS string: compare the bytes too
    for (const row of rows) expect(encode(row).equals(Buffer.from(referenceLine(columns, row), 'utf8'))).toBe(true);
    expect(encode([1, null, '\ud83d', null, null, null, null, null]).toString('latin1')).toBe('{"id":1,"txt":"\\ud83d"}\n');
    expect(encode([null, null, null, null, null, null, null, 'é']).toString('utf8')).toBe('{"acao":"é"}\n');
  });

  test('random text (deterministic): the same bytes as JSON.stringify + UTF-8, every line mapped back by its end offset', () => {
    const pool = ['a', 'Z', ' ', '"', '\\', '\n', '\u0001', '\u001f', 'é', 'ç', '€', '中', '\u2028', '😀', '\ud800', '\udfff', '\ufffd', '\u00a0'];
    const random = bytes(40_000, 12345);
    const builder = new ChunkBuilder(64); // starts small: appendRow must grow it
    const expected: string[] = [];
    for (let r = 0; r < 2000; r++) {
      const length = random[r]! % 40;
      let text = '';
      for (let k = 0; k < length; k++) text += pool[random[(r * 17 + k * 3) % random.length]! % pool.length];
      const row: Row = [r, null, text, null, null, null, null, null];
      builder.appendRow(encoder, row);
      expected.push(referenceLine(columns, row));
    }
    const chunk = builder.take();
    expect(chunk.data.equals(Buffer.from(expected.join(''), 'utf8'))).toBe(true);
    expect(chunk.ends).toHaveLength(2000);
    expect(chunkLine(chunk, 1234)).toBe(Buffer.from(expected[1234]!, 'utf8').toString('utf8'));
  });

  test('a row that might not fit is refused (NO_ROOM), never written past the end; maxBytes is never below what write writes', () => {
    const row: Row = [1, null, 'São João', null, null, null, null, null];
    const exact = encode(row);
    // a buffer with room for the line but not for the text's worst case: refused, nothing after it touched
    const buffer = Buffer.alloc(exact.length + 40, 0xee);
    expect(encoder.write(row, buffer.subarray(0, exact.length), 0)).toBe(NO_ROOM);
    expect(buffer.subarray(exact.length).every((b) => b === 0xee)).toBe(true);
    expect(encoder.write([null, null, null, null, null, null, null, null], Buffer.alloc(2), 0)).toBe(NO_ROOM);
    expect(encoder.write([null, null, null, null, null, null, null, null], Buffer.alloc(3), 0)).toBe(3);
    // in a roomy buffer: what write writes never exceeds maxBytes (worst cases: all escapes, lone surrogates, 4-byte characters)
    const roomy = Buffer.alloc(1 << 16);
    for (const text of [...texts, '\u0001'.repeat(100), '\ud800'.repeat(50), '😀'.repeat(50), '\u0001'.repeat(300), '\ud800'.repeat(300)]) {
      for (const value of [text, Buffer.from(text)]) {
        const candidate: Row = [-2147483648, '-12345678901234.5678', typeof value === 'string' ? value : null, '2020-01-01T00:00:00.0001', -Number.MAX_VALUE, true, Buffer.isBuffer(value) ? value : null, text];
        const end = encoder.write(candidate, roomy, 7);
        expect(end).not.toBe(NO_ROOM);
        expect(end - 7).toBeLessThanOrEqual(encoder.maxBytes(candidate));
        expect(end - 7).toBeGreaterThan(encoder.maxBytes(candidate) / 7); // the bound is not absurdly loose
      }
    }
  });
});
