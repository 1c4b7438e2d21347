// The built `etl-monitor` command: migrate (twice), help, and a configuration error's exit code.
import { expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repositoryRoot } from '../../services/api/src/paths.js';
import { createTestDatabase } from '../support/postgres.js';

const CLI = join(repositoryRoot(), 'dist', 'services', 'api', 'src', 'entrypoints', 'cli', 'main.js');
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });

test('migrate applies the schema once, then reports it up to date', async () => {
  const url = await createTestDatabase('cli_migrate');
  const first = cli(['migrate'], { DATABASE_URL: url });
  expect(first.stdout.trim()).toMatch(/^applied migrations: 0001-initial-schema(, [\w-]+)*$/);
  expect(first.status).toBe(0);
  const second = cli(['migrate'], { DATABASE_URL: url });
  expect(second.stdout.trim()).toBe('database schema is up to date');
});

test('a missing setting exits 78 (EX_CONFIG) with the reason', () => {
  const result = cli(['serve'], { ETL_DEV_IDP: 'true' });
  expect(result.status).toBe(78);
  expect(result.stderr).toContain('DATABASE_URL is required');
  expect(result.stderr).toContain('SESSION_SECRET is required');
});

test('--help lists the commands', () => {
  const result = cli(['--help']);
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/etl-monitor serve\s+Start the control plane/);
  expect(result.stdout).toMatch(/etl-monitor migrate\s+Apply database migrations and exit/);
});
