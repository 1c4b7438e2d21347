// Starts a real control plane for a test file: its own database (migrated), its own ETL_HOME,
// the dev identity provider, HTTP on 127.0.0.1 with an ephemeral port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../services/api/src/config.js';
import { migrateDatabase } from '../../../services/api/src/bootstrap/control-plane.js';
import { startServer, type RunningServer, type ServerOptions } from '../../../services/api/src/bootstrap/server.js';
import { createTestDatabase } from '../../support/postgres.js';

export interface TestControlPlane extends RunningServer {
  databaseUrl: string;
  etlHome: string;
  stop(): Promise<void>;
}

export async function startTestControlPlane(prefix: string, options: ServerOptions = {}): Promise<TestControlPlane> {
  const databaseUrl = await createTestDatabase(prefix);
  await migrateDatabase(databaseUrl);
  const etlHome = mkdtempSync(join(tmpdir(), `etl-home-${prefix}-`));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: 'test-session-secret-with-enough-length-000',
    ETL_DEV_IDP: 'true',
    ETL_HOME: etlHome,
    PATH: process.env.PATH,
  });
  const quiet = { info: () => {}, error: (...args: unknown[]) => console.error(...args) };
  const running = await startServer(config, { log: quiet, host: '127.0.0.1', ...options });
  return {
    ...running,
    databaseUrl,
    etlHome,
    async stop() {
      await running.close();
      rmSync(etlHome, { recursive: true, force: true });
    },
  };
}
