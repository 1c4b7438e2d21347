/**
 * Dashboard listing (issue 5): newest first with keyset pagination on id, filtered by status,
 * schedule, kind (scheduled / manual / ad hoc) and creation date. 0001 indexes status and schedule
 * alone; these add the combination people use most (one schedule's failures), the kind and the
 * date range, so each filtered page is an index range scan whatever its depth.
 */
import type { QueryInterface } from 'sequelize';

export const name = '0003-dashboard-indexes';

/**
 * How a run came about, as SQL. The listing query must use this exact expression for Postgres to
 * match the expression index (same rule as domain/model.ts executionKind: ad-hoc runs are manual
 * runs whose params name no schedule).
 */
export const EXECUTION_KIND_SQL = `(CASE WHEN trigger = 'scheduled' THEN 'scheduled' WHEN (params ->> 'schedule') IS NOT NULL THEN 'manual' ELSE 'ad-hoc' END)`;

const UP = `
CREATE INDEX executions_schedule_status_id ON executions (schedule_id, status, id DESC);
CREATE INDEX executions_kind_id ON executions (${EXECUTION_KIND_SQL}, id DESC);
CREATE INDEX executions_created ON executions (created_at);
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(UP);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query('DROP INDEX executions_schedule_status_id, executions_kind_id, executions_created');
}
