/** One row as a line of PostgreSQL COPY ... (FORMAT csv): NULL is an unquoted empty field, '' is "". */
import type { CellValue, Row } from '../columns.js';

function csvField(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return `"${value.replace(/"/g, '""')}"`;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return Number.isNaN(value) ? 'NaN' : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : String(value);
}

export function csvLine(row: Row): string {
  let line = '';
  for (let i = 0; i < row.length; i++) line += (i === 0 ? '' : ',') + csvField(row[i]!);
  return `${line}\n`;
}
