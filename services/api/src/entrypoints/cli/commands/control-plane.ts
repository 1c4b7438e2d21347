/**
 * `serve`, `migrate` and `seed-demo`: the commands that run the control plane itself (the others
 * talk to a running one over the REST API). Their modules are imported when the command runs, so
 * the REST commands start without loading the database and HTTP stacks.
 */
import type { Argv } from 'yargs';
import { ConfigError, loadConfig } from '../../../config.js';
import { EXIT } from '../client/exit-codes.js';

async function serve(): Promise<void> {
  const config = loadConfig();
  // Loaded here only: it pulls in the HTTP stack and the dev IdP, which migrate/seed do not need.
  const { startServer } = await import('../../../bootstrap/server.js');
  const { createControlPlaneLogger } = await import('../../../bootstrap/observability.js');
  const log = createControlPlaneLogger(config);
  const running = await startServer(config, { log });
  log.info(`ETL Monitor listening on ${running.url} (runtime ${config.runtime}${config.devIdp ? ', development identity provider' : ''})`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping (active runs get SIGTERM)…`);
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error(`stopping failed: ${(err as Error)?.stack ?? String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function migrate(): Promise<void> {
  const { migrateDatabase } = await import('../../../bootstrap/control-plane.js');
  const url = process.env.DATABASE_URL;
  if (!url) throw new ConfigError(['DATABASE_URL is required, e.g. postgres://user:password@host:5432/etl_monitor']);
  const applied = await migrateDatabase(url);
  console.info(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
}

async function seed(args: { firebirdHost: string; firebirdPort: number; firebirdUser: string; firebirdPasswordEnv: string; destinationUrlEnv: string }): Promise<void> {
  const password = process.env[args.firebirdPasswordEnv];
  const destinationUrl = process.env[args.destinationUrlEnv];
  const missing = [!password && args.firebirdPasswordEnv, !destinationUrl && args.destinationUrlEnv].filter(Boolean);
  if (missing.length) throw new ConfigError(missing.map((name) => `${name} is required for seed-demo`));
  const { createControlPlane } = await import('../../../bootstrap/control-plane.js');
  const { seedDemo } = await import('../../../bootstrap/seed-demo.js');
  const controlPlane = await createControlPlane(loadConfig(), { log: { info: () => {}, error: console.error } });
  try {
    const report = await seedDemo(controlPlane.services, { firebirdHost: args.firebirdHost, firebirdPort: args.firebirdPort, firebirdUser: args.firebirdUser, firebirdPassword: password!, destinationUrl: destinationUrl! });
    console.info(`seed-demo: created ${report.created.length ? report.created.join(', ') : 'nothing'}; kept ${report.kept.length} existing item(s)`);
  } finally {
    await controlPlane.close();
  }
}

function fail(err: unknown): never {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') {
    console.error(`etl-monitor: port ${process.env.PORT ?? 8080} is already in use; stop the other server or choose another port with PORT=…`);
    process.exit(1);
  }
  console.error(err instanceof ConfigError ? err.message : `etl-monitor: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(err instanceof ConfigError ? EXIT.config : EXIT.error);
}

export function controlPlaneCommands(y: Argv): Argv {
  return y
  .command('serve', 'Start the control plane (HTTP server and runtime)', {}, () => serve().catch(fail))
  .command('migrate', 'Apply database migrations and exit', {}, () => migrate().catch(fail))
  .command(
    'seed-demo',
    'Development: create the sample catalog (Firebird employee → local Postgres) unless it exists',
    (y) =>
      y
        .option('firebird-host', { type: 'string', default: '127.0.0.1' })
        .option('firebird-port', { type: 'number', default: 3050 })
        .option('firebird-user', { type: 'string', default: 'ETL_READER' })
        .option('firebird-password-env', { type: 'string', default: 'ETL_DEMO_FIREBIRD_PASSWORD', describe: 'environment variable holding the password' })
        .option('destination-url-env', { type: 'string', default: 'ETL_DEMO_DESTINATION_URL', describe: 'environment variable holding the postgres:// URL' }),
    (args) => seed(args).catch(fail),
  );
}
