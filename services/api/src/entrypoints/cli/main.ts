#!/usr/bin/env node
/**
 * `etl-monitor` command line. `serve` and `migrate` run the control plane itself; the commands
 * that talk to a running control plane over its REST API (schedules, run, stop, logs, …) are
 * added as further `command(...)` modules next to these.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError, loadConfig } from '../../config.js';
import { migrateDatabase } from '../../bootstrap/control-plane.js';
import { startServer } from '../../bootstrap/server.js';

async function serve(): Promise<void> {
  const config = loadConfig();
  const running = await startServer(config);
  console.info(`ETL Monitor listening on ${running.url} (runtime ${config.runtime}${config.devIdp ? ', development identity provider' : ''})`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.info(`${signal}: stopping (active runs get SIGTERM)…`);
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function migrate(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new ConfigError(['DATABASE_URL is required, e.g. postgres://user:password@host:5432/etl_monitor']);
  const applied = await migrateDatabase(url);
  console.info(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
}

function fail(err: unknown): never {
  console.error(err instanceof ConfigError ? err.message : `etl-monitor: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(err instanceof ConfigError ? 78 : 1);
}

await yargs(hideBin(process.argv))
  .scriptName('etl-monitor')
  .command('serve', 'Start the control plane (HTTP server and runtime)', {}, () => serve().catch(fail))
  .command('migrate', 'Apply database migrations and exit', {}, () => migrate().catch(fail))
  .demandCommand(1, 'Name a command: serve or migrate')
  .strict()
  .help()
  .parseAsync();
