/**
 * Who asked for a run to stop (issue 4: "record `stopped` with who stopped it"). Written when the
 * stop is requested, before the runtime is told, so the row names the person even when the
 * runtime's `finished` observation arrives later from another replica.
 */
import type { QueryInterface } from 'sequelize';

export const name = '0005-execution-stopped-by';

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query('ALTER TABLE executions ADD COLUMN stopped_by TEXT');
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query('ALTER TABLE executions DROP COLUMN stopped_by');
}
