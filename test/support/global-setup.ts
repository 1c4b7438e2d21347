// Starts one throwaway PostgreSQL cluster for the whole jest run; each test file makes its own
// database in it (test/support/postgres.ts), so files can run in parallel without sharing rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalSetup(): Promise<void> {
  if (process.env.ETL_TEST_PG_ADMIN_URL) return; // an outer script already provides one
  const dir = mkdtempSync(join(tmpdir(), 'etl-monitor-pg-'));
  chmodSync(dir, 0o755);
  const root = join(import.meta.dirname, '..', '..');
  const out = execFileSync('bash', [join(root, 'scripts', 'pg-cluster.sh'), 'start', dir], { encoding: 'utf8' });
  const url = /DATABASE_ADMIN_URL=(\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`pg-cluster.sh printed no DATABASE_ADMIN_URL:\n${out}`);
  process.env.ETL_TEST_PG_ADMIN_URL = url;
  process.env.ETL_TEST_PG_DIR = dir;
  writeFileSync(join(dir, 'url'), url);
}
