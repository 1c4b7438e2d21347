// A control plane for the issue-6 tests: like test/api/support/control-plane.ts, but with the
// real structured logger writing into an array (so tests can grep every line it wrote).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../../services/api/src/config.js';
import { migrateDatabase } from '../../../services/api/src/bootstrap/control-plane.js';
import { createControlPlaneLogger } from '../../../services/api/src/bootstrap/observability.js';
import { startServer, type RunningServer, type ServerOptions } from '../../../services/api/src/bootstrap/server.js';
import type { Logger } from '../../../services/api/src/adapters/logs/logger.js';
import { createMetrics } from '../../../services/api/src/adapters/metrics/metrics.js';
import { createTestDatabase } from '../../support/postgres.js';

export const SESSION_SECRET = 'issue6-session-secret-0123456789abcdef-SECRET';

export interface LoggedControlPlane extends RunningServer {
  config: Config;
  databaseUrl: string;
  etlHome: string;
  /** Every line the control plane's logger wrote. */
  logLines: string[];
  /** Secret values handed to the logger at run time (the dev IdP's client secret). */
  addedSecrets: string[];
  stop(): Promise<void>;
}

export async function startLoggedControlPlane(prefix: string, options: ServerOptions = {}): Promise<LoggedControlPlane> {
  const databaseUrl = await createTestDatabase(prefix);
  await migrateDatabase(databaseUrl);
  const etlHome = mkdtempSync(join(tmpdir(), `etl-home-${prefix}-`));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    SESSION_SECRET,
    ETL_DEV_IDP: 'true',
    ETL_HOME: etlHome,
    PATH: process.env.PATH,
  });
  const logLines: string[] = [];
  const addedSecrets: string[] = [];
  const logger = createControlPlaneLogger(config, (line) => logLines.push(line));
  const spy: Logger = {
    ...logger,
    addSecret(value) {
      addedSecrets.push(value);
      logger.addSecret(value);
    },
  };
  const running = await startServer(config, { log: spy, host: '127.0.0.1', metrics: createMetrics({ defaultMetrics: false }), ...options });
  return {
    ...running,
    config,
    databaseUrl,
    etlHome,
    logLines,
    addedSecrets,
    async stop() {
      await running.close();
      rmSync(etlHome, { recursive: true, force: true });
    },
  };
}

/** The parsed JSON log lines (every line must be JSON). */
export function parsedLines(lines: string[]): Record<string, unknown>[] {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}
