/** Firebird column -> PostgreSQL column type (README "extractor" has the table). */
import type { Column, SourceColumn } from '../columns.js';

export function postgresType(column: SourceColumn): string {
  switch (column.type) {
    case 'SMALLINT':
      return 'smallint';
    case 'INTEGER':
      return 'integer';
    case 'BIGINT':
      return 'bigint';
    case 'INT128':
      return 'numeric(39,0)';
    case 'NUMERIC':
      return `numeric(${column.precision ?? 39},${column.scale})`;
    case 'FLOAT':
      return 'real';
    case 'DOUBLE PRECISION':
      return 'double precision';
    case 'DECFLOAT':
      return 'numeric';
    case 'DATE':
      return 'date';
    case 'TIME':
      return 'time without time zone';
    case 'TIMESTAMP':
      return 'timestamp without time zone';
    case 'TIME WITH TIME ZONE':
      return 'time with time zone';
    case 'TIMESTAMP WITH TIME ZONE':
      return 'timestamp with time zone';
    case 'CHAR':
    case 'VARCHAR':
    case 'BLOB TEXT':
      return 'text';
    case 'BLOB BINARY':
      return 'bytea';
    case 'BOOLEAN':
      return 'boolean';
  }
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

export function columnDescription(column: Column): string {
  return `Firebird column ${column.sourceName} (${column.type}${column.type === 'NUMERIC' ? ` scale ${column.scale}` : ''})`;
}
