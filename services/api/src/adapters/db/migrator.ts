/**
 * Schema migrations with umzug (never `sync()`): applied by `etl-monitor migrate` and checked by
 * /readyz. Migrations are listed here explicitly so the same list works from TypeScript sources
 * (tests) and the compiled dist/ (production).
 */
import { SequelizeStorage, Umzug } from 'umzug';
import type { QueryInterface, Sequelize } from 'sequelize';
import * as initialSchema from './migrations/0001-initial-schema.js';
import * as apiTokens from './migrations/0002-api-tokens.js';
import * as dashboardIndexes from './migrations/0003-dashboard-indexes.js';
import * as permissionVisibility from './migrations/0004-permission-visibility.js';
import * as executionStoppedBy from './migrations/0005-execution-stopped-by.js';

const MIGRATIONS = [initialSchema, apiTokens, dashboardIndexes, permissionVisibility, executionStoppedBy];

/** Migration names in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map((m) => m.name);

export function createMigrator(sequelize: Sequelize, logger: Pick<Console, 'info' | 'warn' | 'error'> | undefined = undefined): Umzug<QueryInterface> {
  return new Umzug({
    migrations: MIGRATIONS.map((m) => ({ name: m.name, up: m.up, down: m.down })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: logger ? { info: (m) => logger.info(JSON.stringify(m)), warn: (m) => logger.warn(JSON.stringify(m)), error: (m) => logger.error(JSON.stringify(m)), debug: () => {} } : undefined,
  });
}

/** Applies pending migrations inside a transaction-level advisory lock, so two replicas starting at once do not race. */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
  const LOCK_KEY = 7_341_203; // arbitrary, constant: "etl-monitor migrations"
  return sequelize.transaction(async (transaction) => {
    await sequelize.query('SELECT pg_advisory_xact_lock(:key)', { replacements: { key: LOCK_KEY }, transaction });
    const applied = await createMigrator(sequelize).up();
    return applied.map((m) => m.name);
  });
}

export async function pendingMigrations(sequelize: Sequelize): Promise<string[]> {
  return (await createMigrator(sequelize).pending()).map((m) => m.name);
}
