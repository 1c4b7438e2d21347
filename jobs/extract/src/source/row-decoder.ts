/**
 * Our own decoder of op_fetch responses: wire bytes -> the extractor's final {@link Row}s in one
 * pass, for statements whose columns all have a fixed or length-prefixed wire form (every Firebird 3
 * type except BLOBs, whose values need further round trips).
 *
 * Why: with whole responses (fetch-gate.ts) node-firebird's decoding was still ~40 % of the
 * extractor's CPU on a 1M-row read: an XdrReader per TCP read, a BitSet object and a Buffer slice
 * per row for the null bitmap, a generic `decode` call and a typeCast/JSON hook per cell, then our
 * row conversion walking every row again (CHAR trimming, FLOAT rounding, legacy-charset recoding).
 * Here each column gets its decoding step chosen once per statement and a row is read straight from
 * the response buffer into its final values.
 *
 * The values are by construction those of the driver path (driver + installExactDecoders +
 * normalizeValue): the same formatting functions, the same text decoder (text-decoding.ts
 * wireTextDecoder), the same CHAR unpadding.
 * test/extract/fetch-gate.test.ts compares the two paths row for row, for every type and charset.
 */
import Firebird from 'node-firebird';
import type { CellValue, Row, SourceColumn } from '../columns.js';
import { formatFirebirdDate, formatFirebirdTime, formatInt64, formatScaled, roundFloat32, type WireColumn } from './firebird-types.js';
import { align, FETCH_STATUS_END_OF_CURSOR, OP_FETCH_RESPONSE, rowValuesOffset } from './fetch-wire.js';
import { unpaddedEnd, type WireTextDecoder } from './text-decoding.js';

const T = Firebird.SQL_TYPES;

// One decoding step per column, chosen once per statement.
const INT32 = 0;
const INT32_SCALED = 1;
const INT64 = 2;
const FLOAT = 3;
const DOUBLE = 4;
const DATE = 5;
const TIME = 6;
const TIMESTAMP = 7;
const BOOLEAN = 8;
const FIXED_TEXT = 9; // CHAR: fixed byte length, trailing spaces dropped
const FIXED_BYTES = 10; // CHAR ... CHARACTER SET OCTETS
const VARYING_TEXT = 11;
const VARYING_BYTES = 12;

/** The decoding step of a column, or undefined when this decoder cannot read it (BLOBs, FB4 types). */
function stepOf(wire: WireColumn, column: SourceColumn): number | undefined {
  const binary = column.type === 'BLOB BINARY';
  switch (wire.type) {
    case T.SQL_SHORT:
    case T.SQL_LONG:
      return column.scale > 0 ? INT32_SCALED : INT32;
    case T.SQL_INT64:
      return INT64;
    case T.SQL_FLOAT:
      return FLOAT;
    case T.SQL_DOUBLE:
    case T.SQL_D_FLOAT:
      return DOUBLE;
    case T.SQL_TYPE_DATE:
      return DATE;
    case T.SQL_TYPE_TIME:
      return TIME;
    case T.SQL_TIMESTAMP:
      return TIMESTAMP;
    case T.SQL_BOOLEAN:
      return BOOLEAN;
    case T.SQL_TEXT:
      return binary ? FIXED_BYTES : FIXED_TEXT;
    case T.SQL_VARYING:
      return binary ? VARYING_BYTES : VARYING_TEXT;
    default:
      return undefined; // SQL_NULL, BLOB, ARRAY, INT128, DECFLOAT, WITH TIME ZONE: the driver's path
  }
}

export interface DecodedFetch {
  rows: Row[];
  /** The server reported the end of the cursor. */
  fetched: boolean;
}

export class RowDecoder {
  private constructor(
    private readonly steps: Int32Array,
    private readonly lengths: Int32Array,
    private readonly scales: Int32Array,
    private readonly text: WireTextDecoder,
  ) {}

  /**
   * A decoder for these columns, or undefined when one of them needs the driver (BLOBs). `text`
   * is the connection's text decoder (text-decoding.ts wireTextDecoder).
   */
  static for(wireColumns: readonly WireColumn[], columns: readonly SourceColumn[], text: WireTextDecoder): RowDecoder | undefined {
    const steps = new Int32Array(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const step = stepOf(wireColumns[c]!, columns[c]!);
      if (step === undefined) return undefined;
      steps[c] = step;
    }
    return new RowDecoder(steps, Int32Array.from(wireColumns, (w) => w.length), Int32Array.from(columns, (c) => c.scale), text);
  }

  /**
   * Decodes a whole op_fetch response (protocol >= 13: null bitmap, then the non-null values)
   * that the fetch gate's scanner has already walked to its end, so every length is in bounds.
   */
  decode(buf: Buffer, end: number): DecodedFetch {
    const { steps, lengths, scales, text } = this;
    const columnCount = steps.length;
    const rowStart = rowValuesOffset(columnCount);
    const rows: Row[] = [];
    let fetched = false;
    let p = 0;
    while (p < end) {
      if (buf.readInt32BE(p) !== OP_FETCH_RESPONSE) throw new Error(`fetch response expected at byte ${p}`);
      const status = buf.readInt32BE(p + 4);
      const count = buf.readInt32BE(p + 8);
      p += 12;
      if (status === FETCH_STATUS_END_OF_CURSOR) fetched = true;
      if (count === 0 || status === FETCH_STATUS_END_OF_CURSOR) break;
      const bitmap = p;
      p += rowStart;
      const row: CellValue[] = new Array(columnCount);
      for (let c = 0; c < columnCount; c++) {
        if ((buf[bitmap + (c >> 3)]! >> (c & 7)) & 1) {
          row[c] = null;
          continue;
        }
        switch (steps[c]) {
          case INT32:
            row[c] = buf.readInt32BE(p);
            p += 4;
            break;
          case INT32_SCALED:
            row[c] = formatScaled(buf.readInt32BE(p), scales[c]!);
            p += 4;
            break;
          case INT64:
            row[c] = formatInt64(buf.readInt32BE(p), buf.readUInt32BE(p + 4), scales[c]!);
            p += 8;
            break;
          case FLOAT:
            row[c] = roundFloat32(buf.readFloatBE(p));
            p += 4;
            break;
          case DOUBLE:
            row[c] = buf.readDoubleBE(p);
            p += 8;
            break;
          case DATE:
            row[c] = formatFirebirdDate(buf.readInt32BE(p));
            p += 4;
            break;
          case TIME:
            row[c] = formatFirebirdTime(buf.readUInt32BE(p));
            p += 4;
            break;
          case TIMESTAMP:
            row[c] = `${formatFirebirdDate(buf.readInt32BE(p))}T${formatFirebirdTime(buf.readUInt32BE(p + 4))}`;
            p += 8;
            break;
          case BOOLEAN:
            row[c] = buf.readInt32BE(p) !== 0;
            p += 4;
            break;
          case FIXED_TEXT: {
            // Firebird pads CHAR(n) with spaces (n x the charset's width in bytes): drop them.
            const length = lengths[c]!;
            const last = unpaddedEnd(buf, p, p + length);
            row[c] = last === p ? '' : text(buf, p, last);
            p += align(length);
            break;
          }
          case FIXED_BYTES: {
            const length = lengths[c]!;
            row[c] = Buffer.from(buf.subarray(p, p + length));
            p += align(length);
            break;
          }
          case VARYING_TEXT: {
            const length = buf.readInt32BE(p);
            p += 4;
            row[c] = length === 0 ? '' : text(buf, p, p + length);
            p += align(length);
            break;
          }
          case VARYING_BYTES: {
            const length = buf.readInt32BE(p);
            p += 4;
            row[c] = Buffer.from(buf.subarray(p, p + length));
            p += align(length);
            break;
          }
        }
      }
      rows.push(row);
    }
    return { rows, fetched };
  }
}
