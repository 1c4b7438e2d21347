/**
 * The column-name rule (README "extractor" documents it): deterministic, valid for BigQuery and
 * PostgreSQL alike, so the same script gives the same table in either destination and a second
 * run never changes the schema.
 *
 * 1. Unicode NFKD, combining marks dropped ("AÇÃO" -> "ACAO"); then lower case.
 * 2. Every character outside [a-z0-9_] becomes "_".
 * 3. Empty -> "col_<position>"; a leading digit gets a "_" prefix.
 * 4. Names starting with a prefix BigQuery reserves (_table_, _file_, _partition, _row_timestamp,
 *    __root__, _colidentifier) get a "c" prefix.
 * 5. At most 63 characters (PostgreSQL's limit; BigQuery allows 300).
 * 6. Collisions (case-insensitive by construction) are resolved in SELECT-list order: the first
 *    keeps the name, later ones get "_2", "_3", ... (shortened to stay within 63 characters).
 * The original Firebird name is kept in the column description.
 */
import type { Column, SourceColumn } from './columns.js';

export const MAX_COLUMN_NAME_LENGTH = 63;
const RESERVED_PREFIXES = ['_table_', '_file_', '_partition', '_row_timestamp', '__root__', '_colidentifier'];

export function baseColumnName(sourceName: string, position: number): string {
  let name = sourceName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  if (name === '') name = `col_${position}`;
  if (/^[0-9]/.test(name)) name = `_${name}`;
  if (RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix))) name = `c${name}`;
  return name.slice(0, MAX_COLUMN_NAME_LENGTH);
}

/** Applies the rule to a whole SELECT list. */
export function nameColumns(columns: readonly SourceColumn[]): Column[] {
  const used = new Set<string>();
  return columns.map((column) => {
    const base = baseColumnName(column.sourceName, column.index + 1);
    let name = base;
    for (let n = 2; used.has(name); n++) {
      const suffix = `_${n}`;
      name = base.slice(0, MAX_COLUMN_NAME_LENGTH - suffix.length) + suffix;
    }
    used.add(name);
    return { ...column, name };
  });
}

/** Finds the destination column for a source column name given in the script (key / watermark). */
export function findColumn(columns: readonly Column[], sourceName: string): Column | undefined {
  const wanted = sourceName.trim().toUpperCase();
  return columns.find((c) => c.sourceName.toUpperCase() === wanted) ?? columns.find((c) => c.name === baseColumnName(sourceName, 0));
}
