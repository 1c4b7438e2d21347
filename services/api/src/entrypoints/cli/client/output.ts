/**
 * `--output table` (aligned columns for people, times in the local zone with the zone named) or
 * `--output json` (the API's JSON, unchanged, for scripts and jq).
 */
import { formatTime } from '../../http/pages/format.js';

export type OutputFormat = 'table' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json'];

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

export interface Output {
  readonly format: OutputFormat;
  /** A list: a table of `columns`, or `json` (default: the rows) as JSON. */
  rows<T>(rows: T[], columns: Column<T>[], json?: unknown): void;
  /** One object: `field  value` lines, or the object as JSON. */
  record(record: object): void;
  /** A sentence for people; in json mode `json` is printed instead (if given). */
  message(text: string, json?: unknown): void;
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

export function localZone(env: NodeJS.ProcessEnv = process.env): string {
  return env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function cell(value: unknown, zone = localZone()): string {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'string') return ISO_TIME.test(value) ? formatTime(new Date(value), zone) : value;
  if (Array.isArray(value)) return value.map((v) => cell(v, zone)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function createOutput(format: OutputFormat, write: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): Output {
  const json = (value: unknown) => write(JSON.stringify(value, null, 2));
  return {
    format,
    rows(rows, columns, raw = rows) {
      if (format === 'json') return json(raw);
      if (rows.length === 0) return write('(none)');
      write(table(columns.map((c) => c.header), rows.map((r) => columns.map((c) => cell(c.value(r))))));
    },
    record(record) {
      if (format === 'json') return json(record);
      const entries = Object.entries(record);
      const width = Math.max(...entries.map(([k]) => k.length));
      write(entries.map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`).join('\n'));
    },
    message(text, value) {
      if (format === 'json') {
        if (value !== undefined) json(value);
        return;
      }
      write(text);
    },
  };
}
