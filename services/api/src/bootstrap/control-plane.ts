/**
 * Composition root: builds adapters (database, secret store, runtime) and the domain services on
 * top of them, and starts / stops them in the right order. Entry points (HTTP, CLI) get the
 * result and never construct an adapter themselves.
 */
import type { Store } from 'express-session';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import pg from 'pg';
import type { Sequelize } from 'sequelize';
import type { Config } from '../config.js';
import { connect } from '../adapters/db/database.js';
import { migrate, pendingMigrations } from '../adapters/db/migrator.js';
import { createRepositories } from '../adapters/db/repositories.js';
import { LocalRuntime, type LocalRuntimeOptions } from '../adapters/runtime/local/local-runtime.js';
import { LocalSecretStore } from '../adapters/secrets/local-secret-store.js';
import type { SecretWriter } from '../domain/ports.js';
import type { Runtime } from '../domain/runtime/runtime.js';
import { createServices, type Services } from '../domain/services.js';

export interface ControlPlane {
  config: Config;
  services: Services;
  runtime: Runtime;
  sessionStore: Store;
  /** For /readyz: database reachable, migrations applied, runtime reachable. Throws with the reason. */
  checkReady(): Promise<void>;
  /** Starts the runtime and resyncs schedules into it. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface ControlPlaneOverrides {
  /** Local runtime knobs (tests inject a clock, a short grace period, a fake extractor). */
  local?: Partial<Omit<LocalRuntimeOptions, 'etlHome' | 'secrets'>>;
  /** Supplies the runtime for ETL_RUNTIME=kubernetes (and its Secret writer). */
  kubernetes?: (config: Config) => Promise<{ runtime: Runtime; secrets: SecretWriter }>;
  log?: Pick<Console, 'info' | 'error'>;
}

export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  const sequelize = connect(databaseUrl, { poolMax: 2 });
  try {
    return await migrate(sequelize);
  } finally {
    await sequelize.close();
  }
}

export async function createControlPlane(config: Config, overrides: ControlPlaneOverrides = {}): Promise<ControlPlane> {
  const log = overrides.log ?? console;
  const sequelize: Sequelize = connect(config.databaseUrl);
  const { runtime, secrets } = await createRuntime(config, overrides);
  const onError = (err: unknown, context: string) => log.error(`${context}: ${(err as Error)?.stack ?? String(err)}`);
  const services = createServices({
    repositories: createRepositories(sequelize),
    secrets,
    runtime,
    roleRules: { mapping: config.roleMapping, bootstrapAdmins: config.bootstrapAdmins },
    onError,
  });
  const unsubscribe = runtime.subscribe((observation) => services.executions.observe(observation));

  const sessionPool = new pg.Pool({ connectionString: config.databaseUrl, max: 5 });
  const PgStore = connectPgSimple(session);
  const sessionStore = new PgStore({ pool: sessionPool, tableName: 'sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 });

  return {
    config,
    services,
    runtime,
    sessionStore,
    async checkReady() {
      await sequelize.authenticate();
      const pending = await pendingMigrations(sequelize);
      if (pending.length > 0) throw new Error(`database migrations not applied: ${pending.join(', ')} (run \`etl-monitor migrate\`)`);
      await runtime.ping();
    },
    async start() {
      await runtime.start();
      const report = await runtime.reconcile(await services.schedules.deployments());
      const abandoned = await services.executions.failNeverStarted();
      log.info(`runtime ${runtime.kind} started: schedules ${JSON.stringify(report)}, abandoned pending runs marked failed: ${abandoned}`);
    },
    async close() {
      await runtime.close();
      unsubscribe();
      (sessionStore as unknown as { close(): void }).close();
      await sessionPool.end();
      await sequelize.close();
    },
  };
}

async function createRuntime(config: Config, overrides: ControlPlaneOverrides): Promise<{ runtime: Runtime; secrets: SecretWriter }> {
  if (config.runtime === 'kubernetes') {
    if (!overrides.kubernetes) throw new Error('ETL_RUNTIME=kubernetes: the Kubernetes runtime is not wired into this build');
    return overrides.kubernetes(config);
  }
  const secrets = new LocalSecretStore(config.etlHome);
  const runtime = new LocalRuntime({ ...overrides.local, etlHome: config.etlHome, secrets });
  return { runtime, secrets };
}
