import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.ETL_TEST_PG_DIR;
  if (!dir) return;
  const root = join(import.meta.dirname, '..', '..');
  execFileSync('bash', [join(root, 'scripts', 'pg-cluster.sh'), 'stop', dir]);
  rmSync(dir, { recursive: true, force: true });
}
