// An in-memory destination for library tests: keeps the columns and rows the run produced.
import type { Column, Row } from '../../../jobs/extract/src/columns.js';
import type { CommitResult, Destination } from '../../../jobs/extract/src/destination/destination.js';

export class CaptureDestination implements Destination {
  readonly description = 'capture';
  columns: readonly Column[] = [];
  rows: Row[] = [];
  committed = false;
  async readWatermark(): Promise<string | null> {
    return null;
  }
  async begin(columns: readonly Column[]): Promise<void> {
    this.columns = columns;
  }
  async write(rows: readonly Row[]): Promise<void> {
    this.rows.push(...rows);
  }
  async commit(): Promise<CommitResult> {
    this.committed = true;
    return { rowsWritten: this.rows.length };
  }
  async abort(): Promise<void> {
    this.rows = [];
  }
  /** Rows as objects keyed by destination column name. */
  records(): Array<Record<string, unknown>> {
    return this.rows.map((row) => Object.fromEntries(this.columns.map((c, i) => [c.name, row[i]])));
  }
}
