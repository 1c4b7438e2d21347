// NDJSON lines in tests: `encodedLine` is what the BigQuery destination uploads (the production
// encoder, destination/ndjson-encoder.ts); `referenceLine` builds the same line the plain way
// (JSON.stringify per text value, string concatenation), an independent oracle for the encoder.
import type { CellValue, Column, Row } from '../../../jobs/extract/src/columns.js';
import { PLAIN_TEXT_TYPES } from '../../../jobs/extract/src/destination/bigquery-schema.js';
import { NdjsonRowEncoder } from '../../../jobs/extract/src/destination/ndjson-encoder.js';

/** The line (with "\n") the destination writes for `row`. */
export function encodedLine(columns: readonly Column[], row: Row): string {
  const encoder = new NdjsonRowEncoder(columns);
  const buffer = Buffer.alloc(encoder.maxBytes(row));
  return buffer.toString('utf8', 0, encoder.write(row, buffer, 0));
}

/** JSON text of one non-null cell: exact types travel as JSON strings, BYTES as base64. */
function jsonValue(value: Exclude<CellValue, null>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (Number.isFinite(value)) return String(value); // same text as JSON.stringify
      return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return `"${value.toString('base64')}"`;
  }
}

/** One NDJSON line (with "\n"), the plain way; NULL cells are omitted, which BigQuery reads as NULL. */
export function referenceLine(columns: readonly Column[], row: Row): string {
  let line = '';
  columns.forEach((column, i) => {
    const value = row[i];
    if (value === null || value === undefined) return;
    const json = PLAIN_TEXT_TYPES.has(column.type) && typeof value === 'string' ? `"${value}"` : jsonValue(value);
    line += `${line === '' ? '{' : ','}${JSON.stringify(column.name)}:${json}`;
  });
  return line === '' ? '{}\n' : `${line}}\n`;
}
