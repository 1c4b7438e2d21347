/**
 * The extractor's column model: what the Firebird statement describes (type, scale, charset),
 * independent of any destination. Destinations derive their own DDL from it
 * (bigquery-schema.ts, postgres-schema.ts), so one source describes itself once.
 */

export type FirebirdType =
  | 'SMALLINT'
  | 'INTEGER'
  | 'BIGINT'
  | 'INT128'
  | 'NUMERIC' // any fixed-point type with a scale (SMALLINT/INTEGER/BIGINT/INT128 backed)
  | 'FLOAT'
  | 'DOUBLE PRECISION'
  | 'DECFLOAT'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'TIME WITH TIME ZONE'
  | 'TIMESTAMP WITH TIME ZONE'
  | 'CHAR'
  | 'VARCHAR'
  | 'BLOB TEXT'
  | 'BLOB BINARY'
  | 'BOOLEAN';

export interface SourceColumn {
  /** Position in the SELECT list. */
  index: number;
  /** Name as Firebird reports it (the alias, else the field name). */
  sourceName: string;
  /** Table the column comes from (empty for expressions). */
  table?: string;
  type: FirebirdType;
  /** Digits after the decimal point (0 for integers). */
  scale: number;
  /** Maximum total digits the storage can hold (fixed-point types only). */
  precision?: number;
  nullable: boolean;
}

/** A source column with the destination column name the naming rule gave it. */
export interface Column extends SourceColumn {
  name: string;
}

/**
 * Maximum decimal digits per storage width. Firebird's statement description carries the storage
 * type (SMALLINT/INTEGER/BIGINT/INT128) and the scale, not the declared precision, so a NUMERIC(10,2)
 * is described as "BIGINT storage, scale 2" and gets precision 19 (every value the storage can hold fits).
 */
export const STORAGE_PRECISION = { SMALLINT: 5, INTEGER: 10, BIGINT: 19, INT128: 39 } as const;

/**
 * The value of one cell after decoding, destination independent:
 * - integers that fit a JS number (SMALLINT, INTEGER): number; BIGINT/INT128: decimal string
 * - fixed-point: exact decimal string ("12345678901234.5678")
 * - FLOAT/DOUBLE: number (FLOAT as the shortest decimal that round-trips through float32)
 * - DATE "YYYY-MM-DD", TIME "HH:MM:SS[.ffff]", TIMESTAMP "YYYY-MM-DDTHH:MM:SS[.ffff]" (wall clock),
 *   WITH TIME ZONE types: ISO instant in UTC
 * - text: string; binary BLOB: Buffer; BOOLEAN: boolean; NULL: null
 */
export type CellValue = string | number | boolean | Buffer | null;
export type Row = CellValue[];
