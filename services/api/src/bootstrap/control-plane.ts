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
import { ConfigError, type Config } from '../config.js';
import { connect } from '../adapters/db/database.js';
import { migrate, pendingMigrations } from '../adapters/db/migrator.js';
import { createRepositories } from '../adapters/db/repositories.js';
import { LocalRuntime, type LocalRuntimeOptions } from '../adapters/runtime/local/local-runtime.js';
import { LocalSecretStore } from '../adapters/secrets/local-secret-store.js';
import { ExtractorFirebirdProbe } from '../adapters/firebird/extractor-probe.js';
import { createKubernetesControlPlaneRuntime, KubernetesConfigError, runtimeLoggerFrom, type ControlPlaneHooks } from '../adapters/runtime/kubernetes/index.js';
import type { SecretWriter } from '../domain/ports.js';
import type { Runtime } from '../domain/runtime/runtime.js';
import { createServices, type Services } from '../domain/services.js';
import { createExecutionLogReader } from '../adapters/logs/create-execution-log-reader.js';
import type { ExecutionLogReader } from '../adapters/logs/log-reader.js';
import type { Logger } from '../adapters/logs/logger.js';
import { createMetrics, type ControlPlaneMetrics } from '../adapters/metrics/metrics.js';
import { SequelizeApiTokenRepository } from '../adapters/db/api-token-repository.js';
import { AuditTrail } from '../domain/audit/audit-trail.js';
import { TokenService } from '../domain/tokens/token-service.js';
import { UserDirectory } from '../domain/users/user-directory.js';
import { isLogger, withAuditLog, withExecutionMetrics } from './observability.js';

/** /readyz: each check with its outcome; `ready` only when all pass. */
export interface ReadinessReport {
  ready: boolean;
  checks: {
    database: { ok: boolean; error?: string };
    migrations: { ok: boolean; pending: string[]; error?: string };
    runtime: { ok: boolean; kind: string; error?: string };
  };
}

export interface ControlPlane {
  config: Config;
  services: Services;
  runtime: Runtime;
  sessionStore: Store;
  /** Prometheus registry fed by execution state changes (GET /metrics). */
  metrics: ControlPlaneMetrics;
  /** Execution logs: captured output / pod, then Cloud Logging. */
  logs: ExecutionLogReader;
  /** Personal API tokens. */
  tokens: TokenService;
  /** Users, permissions and audit log (read side). */
  directory: UserDirectory;
  /** For /readyz: every check with its result (pending migrations named). */
  readiness(): Promise<ReadinessReport>;
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
  log?: Pick<Console, 'info' | 'error'> | Logger;
  /** Metrics registry (tests pass one without the default process metrics). */
  metrics?: ControlPlaneMetrics;
  /** Execution log reader other than the one built from the configuration (tests: an unreadable log). */
  logs?: ExecutionLogReader;
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
  const { runtime, secrets, connect: connectRuntime } = await createRuntime(config, overrides);
  const onError = (err: unknown, context: string) => log.error(`${context}: ${(err as Error)?.stack ?? String(err)}`);
  const metrics = overrides.metrics ?? createMetrics();
  const plainRepositories = createRepositories(sequelize);
  const repositories = {
    ...plainRepositories,
    executions: withExecutionMetrics(plainRepositories.executions, metrics),
    audit: isLogger(log) ? withAuditLog(plainRepositories.audit, log) : plainRepositories.audit,
  };
  const services = createServices({
    repositories,
    secrets,
    runtime,
    roleRules: { mapping: config.roleMapping, bootstrapAdmins: config.bootstrapAdmins },
    // Catalog checks read the source password back: only the local secret store can (Kubernetes Secrets are write-only here).
    firebird: new ExtractorFirebirdProbe(),
    ...(secrets instanceof LocalSecretStore ? { secretReader: secrets } : {}),
    // Next runs and cron previews follow the clock schedules fire by (a test's manual clock).
    ...(overrides.local?.clock ? { scheduleClock: overrides.local.clock.now.bind(overrides.local.clock) } : {}),
    onError,
  });
  const unsubscribe = runtime.subscribe((observation) => services.executions.observe(observation));
  connectRuntime?.({
    observe: (observation) => services.executions.observe(observation),
    findByRuntimeName: (name) => plainRepositories.executions.findByRuntimeName(name),
    deployments: () => services.schedules.deployments(),
    listActive: () => plainRepositories.executions.listActive(),
  });
  const tokens = new TokenService(new SequelizeApiTokenRepository(sequelize), (userId) => services.users.actorFor(userId), new AuditTrail(repositories.audit));
  const logs = overrides.logs ?? createExecutionLogReader({
    runtime: config.runtime,
    logsBackend: config.logging.backend,
    ...(config.logging.googleCloudProject ? { googleCloudProject: config.logging.googleCloudProject } : {}),
    ...(config.kubernetes.namespace ? { namespace: config.kubernetes.namespace } : {}),
    // The live source reads through the runtime; in Kubernetes an empty pod list means "gone" (→ Cloud Logging).
    live: async (executionId) => {
      const execution = await plainRepositories.executions.get(Number(executionId));
      if (!execution?.runtimeName || !execution.runtimeUid) return config.runtime === 'local' ? [] : undefined;
      const lines = await runtime.readLogs({ name: execution.runtimeName, uid: execution.runtimeUid });
      return lines.length === 0 && config.runtime === 'kubernetes' ? undefined : lines;
    },
  });
  const readiness = async (): Promise<ReadinessReport> => {
    const message = (err: unknown) => (err as Error)?.message ?? String(err);
    const database: ReadinessReport['checks']['database'] = await sequelize.authenticate().then(() => ({ ok: true }), (err: unknown) => ({ ok: false, error: message(err) }));
    const migrations: ReadinessReport['checks']['migrations'] = database.ok
      ? await pendingMigrations(sequelize).then((pending) => ({ ok: pending.length === 0, pending }), (err: unknown) => ({ ok: false, pending: [], error: message(err) }))
      : { ok: false, pending: [], error: 'database unreachable' };
    const runtimeCheck: ReadinessReport['checks']['runtime'] = await runtime.ping().then(() => ({ ok: true, kind: runtime.kind }), (err: unknown) => ({ ok: false, kind: runtime.kind, error: message(err) }));
    return { ready: database.ok && migrations.ok && runtimeCheck.ok, checks: { database, migrations, runtime: runtimeCheck } };
  };

  const sessionPool = new pg.Pool({ connectionString: config.databaseUrl, max: 5 });
  const PgStore = connectPgSimple(session);
  const sessionStore = new PgStore({ pool: sessionPool, tableName: 'sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 });

  return {
    config,
    services,
    runtime,
    sessionStore,
    metrics,
    logs,
    tokens,
    directory: new UserDirectory(repositories.users, repositories.audit),
    readiness,
    async checkReady() {
      await sequelize.authenticate();
      const pending = await pendingMigrations(sequelize);
      if (pending.length > 0) throw new Error(`database migrations not applied: ${pending.join(', ')} (run \`etl-monitor migrate\`)`);
      await runtime.ping();
    },
    async start() {
      await runtime.start();
      // One process schedules everything with the local runtime: it is the leader (an alert on "no leader" stays quiet).
      if (runtime.kind === 'local') metrics.setLeader(true);
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

async function createRuntime(config: Config, overrides: ControlPlaneOverrides): Promise<{ runtime: Runtime; secrets: SecretWriter; connect?: (hooks: ControlPlaneHooks) => void }> {
  if (config.runtime === 'kubernetes') {
    if (overrides.kubernetes) return overrides.kubernetes(config);
    // In a pod: the service account; elsewhere KUBECONFIG. The leader admits CronJob runs through the executions table's lock.
    try {
      return createKubernetesControlPlaneRuntime(config.kubernetes, { logger: runtimeLoggerFrom(overrides.log ?? console) });
    } catch (err) {
      // Missing ETL_EXTRACTOR_IMAGE / namespace: a configuration problem (CLI exit 78), not a crash.
      if (err instanceof KubernetesConfigError) throw new ConfigError([err.message]);
      throw err;
    }
  }
  const secrets = new LocalSecretStore(config.etlHome);
  const runtime = new LocalRuntime({ ...overrides.local, etlHome: config.etlHome, secrets });
  return { runtime, secrets };
}
