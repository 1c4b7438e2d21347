/**
 * Dashboard listing (issue 5): newest first with keyset pagination on id, filtered by status,
 * schedule, kind (scheduled / manual / ad hoc) and creation date. 0001 indexes status and schedule
 * alone; these add the combination people use most (one schedule's failures), the kind and the
 * date range, so each filtered page is an index range scan whatever its depth.
 *
 * The date range: ids follow creation order, so the listing turns [from, to) into an id range
 * (the smallest id among the 100 rows created first at or after `from`, the largest among the 100
 * created last before `to`: two index-only scans of executions_created_id) and keeps the exact
 * created_at condition as a filter. The page is then an id range scan of whichever index the other
 * filters pick. Without the id range Postgres, which assumes matching rows are spread evenly over
 * the ids, walks the primary key from the newest row and skips every row newer than the range
 * (750,000 rows, 180 ms, for a month a year and a half back at 1,000,000 executions).
 * Measured with `npm run bench:dashboard` (bench/dashboard).
 */
import type { QueryInterface } from 'sequelize';

export const name = '0003-dashboard-indexes';

/**
 * How a run came about, as SQL. The listing query must use this exact expression for Postgres to
 * match the expression index, so it must never change without a migration rebuilding the index.
 * Same rule as domain/model.ts executionKind: ad-hoc runs are manual runs whose params name no
 * schedule (`params.schedule` is not a string).
 */
export const EXECUTION_KIND_SQL = `(CASE WHEN trigger = 'scheduled' THEN 'scheduled' WHEN jsonb_typeof(params -> 'schedule') = 'string' THEN 'manual' ELSE 'ad-hoc' END)`;

const UP = `
CREATE INDEX executions_schedule_status_id ON executions (schedule_id, status, id DESC);
CREATE INDEX executions_kind_id ON executions (${EXECUTION_KIND_SQL}, id DESC);
CREATE INDEX executions_created_id ON executions (created_at, id);
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(UP);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query('DROP INDEX executions_schedule_status_id, executions_kind_id, executions_created_id');
}
