/**
 * Firebird column -> BigQuery field (README "extractor" has the table). The load jobs' NDJSON is
 * written by ndjson-encoder.ts: exact types travel as JSON strings, which BigQuery parses into
 * INT64 / NUMERIC / BIGNUMERIC without a float in between.
 */
import type { Column, SourceColumn } from '../columns.js';
import { columnDescription } from './postgres-schema.js';

export type BigQueryType = 'INT64' | 'NUMERIC' | 'BIGNUMERIC' | 'FLOAT64' | 'BOOL' | 'STRING' | 'BYTES' | 'DATE' | 'TIME' | 'DATETIME' | 'TIMESTAMP';

export interface BigQueryField {
  name: string;
  type: BigQueryType;
  mode: 'NULLABLE' | 'REQUIRED';
  description: string;
}

/** NUMERIC holds 29 integer digits and 9 decimals; anything wider is BIGNUMERIC (DESIGN §6). */
export function fixedPointType(precision: number, scale: number): 'NUMERIC' | 'BIGNUMERIC' {
  return precision - scale <= 29 && scale <= 9 ? 'NUMERIC' : 'BIGNUMERIC';
}

export function bigQueryType(column: SourceColumn): BigQueryType {
  switch (column.type) {
    case 'SMALLINT':
    case 'INTEGER':
    case 'BIGINT':
      return 'INT64';
    case 'INT128':
    case 'NUMERIC':
      return fixedPointType(column.precision ?? 38, column.scale);
    case 'FLOAT':
    case 'DOUBLE PRECISION':
      return 'FLOAT64';
    case 'DECFLOAT':
      return 'STRING'; // DECFLOAT(34) exceeds BIGNUMERIC's range; kept exact as text
    case 'DATE':
      return 'DATE';
    case 'TIME':
    case 'TIME WITH TIME ZONE':
      return 'TIME';
    case 'TIMESTAMP':
      return 'DATETIME';
    case 'TIMESTAMP WITH TIME ZONE':
      return 'TIMESTAMP';
    case 'CHAR':
    case 'VARCHAR':
    case 'BLOB TEXT':
      return 'STRING';
    case 'BLOB BINARY':
      return 'BYTES';
    case 'BOOLEAN':
      return 'BOOL';
  }
}

/** Every field NULLABLE: a script's SELECT can yield NULLs the source table does not. */
export function bigQuerySchema(columns: readonly Column[]): BigQueryField[] {
  return columns.map((c) => ({ name: c.name, type: bigQueryType(c), mode: 'NULLABLE', description: columnDescription(c) }));
}

/**
 * Column types whose decoded text never needs JSON escaping (digits, '-', '.', ':', 'T'): exact
 * decimals and wall-clock values are quoted as they are, without JSON.stringify.
 */
export const PLAIN_TEXT_TYPES = new Set<SourceColumn['type']>(['BIGINT', 'INT128', 'NUMERIC', 'DATE', 'TIME', 'TIMESTAMP']);
