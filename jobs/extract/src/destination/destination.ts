/**
 * What the run needs from a destination. A load is invisible until `commit`, and `abort` leaves the
 * destination exactly as it was, so a failed or stopped run never leaves a half-written table.
 */
import type { Column, Row } from '../columns.js';

export interface CommitResult {
  rowsWritten: number;
  /** BigQuery job id, or a note on the Postgres transaction. */
  jobId?: string;
}

export interface Destination {
  /** Human description for log lines ("postgres public.employee"). */
  readonly description: string;
  /** Current maximum of the watermark column, as text; null when the table is missing or empty. */
  readWatermark(column: Column): Promise<string | null>;
  /** Prepares the load (staging table, schema checks). */
  begin(columns: readonly Column[]): Promise<void>;
  /** Writes one batch; resolves when the destination accepted it (backpressure). */
  write(rows: readonly Row[]): Promise<void>;
  /**
   * Makes the load visible atomically, after checking the destination received exactly
   * `expectedRows` rows ("row count mismatch: expected N, got M" otherwise).
   */
  commit(expectedRows: number): Promise<CommitResult>;
  /** Discards everything written by this run. Safe to call at any time, also twice. */
  abort(): Promise<void>;
}

export function rowCountMismatch(expected: number, got: number): string {
  return `row count mismatch: expected ${expected}, got ${got}`;
}
