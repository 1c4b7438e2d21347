/**
 * Per-user visibility (issue 5): a non-admin's executions listing filters
 * `source_id IN (…) AND script_id IN (…) AND destination_id IN (…)` ordered by id DESC.
 *
 * - The three columns are strongly correlated (each schedule fixes all three), so Postgres'
 *   independence assumption underestimates the matching rows by orders of magnitude and picks a
 *   full scan + sort (≈130 ms at 1,000,000 rows for a user who sees 1 % of them). Extended
 *   statistics give it the real selectivity: it then walks the primary key newest first and stops
 *   after one page (≈1 ms, the same at any depth).
 * - Users who see very little (one schedule's runs) get a direct range scan of this index.
 * Measured on PostgreSQL 15, 1,000,000 executions over 1,000 source/script/destination triples.
 */
import type { QueryInterface } from 'sequelize';

export const name = '0004-permission-visibility';

const UP = `
CREATE INDEX executions_catalog_refs_id ON executions (source_id, script_id, destination_id, id DESC);
CREATE STATISTICS executions_catalog_refs (dependencies, mcv) ON source_id, script_id, destination_id FROM executions;
ANALYZE executions;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(UP);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query('DROP STATISTICS IF EXISTS executions_catalog_refs; DROP INDEX IF EXISTS executions_catalog_refs_id;');
}
