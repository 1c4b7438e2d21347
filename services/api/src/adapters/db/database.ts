/** The one Sequelize instance of the control plane. */
import { Sequelize } from 'sequelize';
import pg from 'pg';

// BIGINT counters (rows, audit ids) fit in a double far beyond any real row count; parse them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export function connect(databaseUrl: string, options: { poolMax?: number } = {}): Sequelize {
  return new Sequelize(databaseUrl, {
    dialect: 'postgres',
    logging: false,
    pool: { max: options.poolMax ?? 10, min: 0, idle: 10_000 },
  });
}
