/**
 * Firebird statement metadata -> {@link SourceColumn}, and exact decoding of the values.
 *
 * node-firebird 2.17.1 decodes DATE/TIME/TIMESTAMP into JS Dates with local-time setters (the
 * process time zone leaks in, DST gaps shift wall clocks, 100 µs digits are cut) and scaled
 * SMALLINT/INTEGER into binary floats. So for those columns we replace the `decode` method of the
 * statement's own output descriptors (per statement, not the driver's classes) with decoders that
 * read the raw wire integers and format exact text. INT64/INT128 use the driver's
 * `numericMode: 'string'`, which is exact.
 */
import Firebird from 'node-firebird';
import type { CellValue, FirebirdType, SourceColumn } from '../columns.js';
import { STORAGE_PRECISION } from '../columns.js';
import { align } from './fetch-wire.js';
import { unpaddedEnd, type WireTextDecoder } from './text-decoding.js';

const T = Firebird.SQL_TYPES;
const OCTETS_CHARSET_ID = 1;
const BLOB_SUBTYPE_TEXT = 1;

/** The part of node-firebird's output descriptor (SQLVar*) we read. Not in its public typings. */
export interface WireColumn {
  type: number;
  subType: number;
  scale: number;
  length: number;
  nullable: boolean;
  field?: string;
  relation?: string;
  alias?: string;
  charSetId?: number;
  decode: (data: WireReader, lowerV13: boolean, options?: unknown) => unknown;
}

/** The XDR reader the driver passes to `decode`. */
export interface WireReader {
  buffer: Buffer;
  pos: number;
  readInt(): number;
  readUInt(): number;
}

export function describeWireColumn(wire: WireColumn, index: number): SourceColumn {
  const sourceName = wire.alias || wire.field || `COLUMN_${index + 1}`;
  const base = { index, sourceName, ...(wire.relation ? { table: wire.relation } : {}), nullable: wire.nullable !== false, scale: 0 };
  const scale = wire.scale < 0 ? -wire.scale : 0;
  const fixed = (storage: keyof typeof STORAGE_PRECISION): SourceColumn =>
    scale > 0 ? { ...base, type: 'NUMERIC', scale, precision: STORAGE_PRECISION[storage] } : { ...base, type: storage, precision: STORAGE_PRECISION[storage] };
  switch (wire.type) {
    case T.SQL_SHORT:
      return fixed('SMALLINT');
    case T.SQL_LONG:
      return fixed('INTEGER');
    case T.SQL_INT64:
      return fixed('BIGINT');
    case T.SQL_INT128:
      return fixed('INT128');
    case T.SQL_FLOAT:
      return { ...base, type: 'FLOAT' };
    case T.SQL_DOUBLE:
    case T.SQL_D_FLOAT:
      return { ...base, type: 'DOUBLE PRECISION' };
    case T.SQL_DEC16:
    case T.SQL_DEC34:
      return { ...base, type: 'DECFLOAT' };
    case T.SQL_TYPE_DATE:
      return { ...base, type: 'DATE' };
    case T.SQL_TYPE_TIME:
      return { ...base, type: 'TIME' };
    case T.SQL_TIMESTAMP:
      return { ...base, type: 'TIMESTAMP' };
    case T.SQL_TIME_TZ:
    case T.SQL_TIME_TZ_EX:
      return { ...base, type: 'TIME WITH TIME ZONE' };
    case T.SQL_TIMESTAMP_TZ:
    case T.SQL_TIMESTAMP_TZ_EX:
      return { ...base, type: 'TIMESTAMP WITH TIME ZONE' };
    case T.SQL_TEXT:
      return { ...base, type: wire.charSetId === OCTETS_CHARSET_ID ? 'BLOB BINARY' : 'CHAR' };
    case T.SQL_VARYING:
      return { ...base, type: wire.charSetId === OCTETS_CHARSET_ID ? 'BLOB BINARY' : 'VARCHAR' };
    case T.SQL_NULL:
      return { ...base, type: 'VARCHAR' };
    case T.SQL_BLOB:
      return { ...base, type: wire.subType === BLOB_SUBTYPE_TEXT ? 'BLOB TEXT' : 'BLOB BINARY' };
    case T.SQL_BOOLEAN:
      return { ...base, type: 'BOOLEAN' };
    default:
      throw new UnsupportedColumnType(sourceName, wire.type);
  }
}

export class UnsupportedColumnType extends Error {
  constructor(
    readonly column: string,
    readonly wireType: number,
  ) {
    super(`column ${column} has a Firebird type the extractor cannot load (wire type ${wireType}, e.g. an ARRAY); cast it in the script`);
  }
}

// ---- exact decoders -------------------------------------------------------------------------

/** Days between the Firebird date epoch (1858-11-17) and 1970-01-01. */
const FIREBIRD_DATE_EPOCH_OFFSET = 40587;
const MS_PER_DAY = 86_400_000;
/** Firebird keeps time of day in units of 100 µs. */
const TIME_UNITS_PER_SECOND = 10_000;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** "00".."99": time fields without padStart per value (the TIMESTAMP column was ~5 % of the CPU). */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => pad(n, 2));
/** ".1234", ".5", "" for 100 µs fractions 0..9999, built on first use. */
const FRACTIONS: string[] = [];

// Consecutive rows mostly share their day; remembering the last one skips a Date per value.
let lastDays = NaN;
let lastDate = '';

export function formatFirebirdDate(days: number): string {
  if (days === lastDays) return lastDate;
  const d = new Date((days - FIREBIRD_DATE_EPOCH_OFFSET) * MS_PER_DAY);
  lastDate = `${pad(d.getUTCFullYear(), 4)}-${TWO_DIGITS[d.getUTCMonth() + 1]}-${TWO_DIGITS[d.getUTCDate()]}`;
  lastDays = days;
  return lastDate;
}

function fraction(units: number): string {
  let text = FRACTIONS[units];
  if (text === undefined) {
    text = units === 0 ? '' : `.${pad(units, 4).replace(/0+$/, '')}`;
    FRACTIONS[units] = text;
  }
  return text;
}

/** "HH:MM:SS" plus the 100 µs fraction without trailing zeros ("13:45:30.1234", "12:00:00.5"). */
export function formatFirebirdTime(units: number): string {
  const totalSeconds = Math.floor(units / TIME_UNITS_PER_SECOND);
  const hours = Math.floor(totalSeconds / 3600);
  const text = `${hours < 100 ? TWO_DIGITS[hours] : String(hours)}:${TWO_DIGITS[Math.floor(totalSeconds / 60) % 60]}:${TWO_DIGITS[totalSeconds % 60]}`;
  return text + fraction(units % TIME_UNITS_PER_SECOND);
}

const TWO_POW_32 = 4294967296;
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, n) => 10 ** n);

/**
 * Exact decimal text of a signed 64-bit coefficient given as its high (signed) and low (unsigned)
 * 32-bit words, with a scale. Without a BigInt while the value is below 2^53 (every step is then
 * exact integer arithmetic on doubles); the same text as {@link formatScaled} and as the driver's
 * numericMode 'string'.
 */
export function formatInt64(high: number, low: number, scale: number): string {
  if (high >= -0x200000 && high < 0x200000 && scale < POWERS_OF_TEN.length) {
    const value = high * TWO_POW_32 + low;
    if (scale === 0) return String(value);
    const negative = value < 0;
    const magnitude = negative ? -value : value;
    const unit = POWERS_OF_TEN[scale]!;
    let whole = Math.floor(magnitude / unit);
    let remainder = magnitude - whole * unit;
    if (remainder < 0) {
      // the division rounded up to the next integer (quotients just below it near 2^53)
      whole -= 1;
      remainder += unit;
    }
    const rest = String(remainder);
    const text = `${whole}.${rest.length < scale ? '0'.repeat(scale - rest.length) + rest : rest}`;
    return negative ? `-${text}` : text;
  }
  return formatScaled(BigInt(high) * 4294967296n + BigInt(low), scale);
}

/** Exact decimal text of an integer coefficient with a scale (coefficient 12345, scale 2 -> "123.45"). */
export function formatScaled(coefficient: number | bigint, scale: number): string {
  const negative = coefficient < 0;
  const digits = (negative ? -BigInt(coefficient) : BigInt(coefficient)).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

/** A FLOAT arrives widened to double (1.1 -> 1.100000023841858): the shortest text that is the same float32. */
export function roundFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/**
 * Installs exact decoders on the statement's output descriptors. Must be called after prepare and
 * before the first fetch. The null handling mirrors the driver (`lowerV13` = protocol < 13 sends a
 * null flag after each value; newer protocols send a null bitmap and skip null values).
 *
 * CHAR and VARCHAR are decoded from their bytes with `text`, the connection's decoder
 * (text-decoding.ts wireTextDecoder), exactly as our row decoder does: for CHAR the driver cut the
 * decoded text to (bytes / charset width) UTF-16 code units, which dropped characters outside the
 * BMP or left half of one (CHAR(1) '😀' came back as a lone surrogate), and for a NONE database
 * holding legacy bytes the driver's byte-per-character text had to be recoded afterwards.
 */
export function installExactDecoders(wireColumns: WireColumn[], columns: readonly SourceColumn[], text: WireTextDecoder): void {
  const withNullFlag = (read: (data: WireReader) => string) =>
    function decode(data: WireReader, lowerV13: boolean): string | null {
      const value = read(data);
      return !lowerV13 || !data.readInt() ? value : null;
    };
  wireColumns.forEach((wire, i) => {
    const column = columns[i]!;
    switch (column.type) {
      case 'DATE':
        wire.decode = withNullFlag((data) => formatFirebirdDate(data.readInt()));
        break;
      case 'TIME':
        wire.decode = withNullFlag((data) => formatFirebirdTime(data.readUInt()));
        break;
      case 'TIMESTAMP':
        wire.decode = withNullFlag((data) => {
          const days = data.readInt();
          return `${formatFirebirdDate(days)}T${formatFirebirdTime(data.readUInt())}`;
        });
        break;
      case 'NUMERIC':
        if (wire.type === T.SQL_SHORT || wire.type === T.SQL_LONG) {
          wire.decode = withNullFlag((data) => formatScaled(data.readInt(), column.scale));
        } else if (wire.type === T.SQL_INT64) {
          wire.decode = withNullFlag((data) => formatInt64(data.readInt(), data.readUInt(), column.scale));
        }
        break;
      case 'BIGINT':
        wire.decode = withNullFlag((data) => formatInt64(data.readInt(), data.readUInt(), 0));
        break;
      case 'CHAR':
        wire.decode = withNullFlag((data) => {
          const start = data.pos;
          const end = takeBytes(data, wire.length);
          const textEnd = unpaddedEnd(data.buffer, start, end);
          return textEnd === start ? '' : text(data.buffer, start, textEnd);
        });
        break;
      case 'VARCHAR':
        if (wire.type !== T.SQL_VARYING) break; // SQL_NULL (a bare NULL in the select list) has no text
        wire.decode = withNullFlag((data) => {
          const length = data.readInt();
          const start = data.pos;
          const end = takeBytes(data, length);
          return end === start ? '' : text(data.buffer, start, end);
        });
        break;
      default:
        break;
    }
  });
}

/** Skips `length` value bytes (and their XDR padding) in the driver's reader; returns where they end. */
function takeBytes(data: WireReader, length: number): number {
  const start = data.pos;
  const end = start + length;
  // the driver re-reads a response that ended early; it needs a throw to notice
  if (end > data.buffer.length) throw new RangeError('Packet is not complete');
  data.pos = start + align(length);
  return end;
}

/** Whether {@link normalizeValue} changes values of this column (the others pass through as decoded). */
export function needsNormalizing(column: SourceColumn): boolean {
  return ['FLOAT', 'TIME WITH TIME ZONE', 'TIMESTAMP WITH TIME ZONE', 'DECFLOAT'].includes(column.type);
}

/** Converts what the driver produced into the extractor's {@link CellValue} (after blobs were read). */
export function normalizeValue(column: SourceColumn, value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'FLOAT':
      return roundFloat32(value as number);
    case 'TIME WITH TIME ZONE':
      return (value as Date).toISOString().slice(11, 23); // the UTC time of day
    case 'TIMESTAMP WITH TIME ZONE':
      return (value as Date).toISOString();
    case 'DECFLOAT':
      return String(value);
    default:
      return value as CellValue;
  }
}
