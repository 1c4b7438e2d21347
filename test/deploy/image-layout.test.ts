/**
 * The images cannot be built here (no Docker engine). Instead each runtime stage is assembled as a
 * directory from the Dockerfile's own COPY lines (`--from=deps` -> a node_modules installed the way
 * the deps stage installs it, the stage's own `npm ci --omit=dev` from package-lock.json, so only
 * production dependencies; `--from=build` -> this checkout's dist/ from `npm run build`, which
 * scripts/test.sh runs first) and its ENTRYPOINT runs as uid 10001 with only the image's ENV plus
 * the env Kubernetes would give: the chart's migration hook must migrate a fresh database, the
 * extractor must refuse an empty job contract with the configuration exit code, and a real run
 * (Firebird EMPLOYEE -> PostgreSQL) must load its 42 rows. This catches missing runtime files, a
 * runtime import of a devDependency, paths that only work from the repository, and a user without
 * a home. (uid 10001 has no passwd entry on this machine, unlike in the image: the real run also
 * shows the extractor copes with an arbitrary uid, see jobs/extract/src/source/os-user-fallback.ts.)
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { EXIT } from '../../jobs/contract/src/exit-codes.js';
import { parseRunSummary } from '../../jobs/contract/src/summary.js';
import { createTestDatabase } from '../support/postgres.js';
import { args, parseDockerfile } from './support/dockerfile.js';
import { parseManifests, podSpecOf } from './support/k8s-checks.js';
import { hasCommand, REPO_ROOT } from './support/tools.js';
import { extractorEnv, postgresJobSpec } from '../extract/support/extractor.js';
import { firebird } from '../support/firebird.js';

const API_MAIN = path.join(REPO_ROOT, 'dist/services/api/src/entrypoints/cli/main.js');
const EXTRACTOR_MAIN = path.join(REPO_ROOT, 'dist/jobs/extract/src/main.js');

function skipReason(mainFile: string): string | undefined {
  const reason =
    process.getuid?.() !== 0 ? 'must run as root to switch to uid 10001'
    : !hasCommand('setpriv') ? "'setpriv' (util-linux) is not installed"
    : !existsSync(mainFile) ? `${path.relative(REPO_ROOT, mainFile)} is missing: run \`npm run build\` first (scripts/test.sh does)`
    : undefined;
  if (reason) console.warn(`SKIPPED image layout test: ${reason}`);
  return reason;
}

interface ImageLayout {
  workdir: string;
  entrypoint: string[];
  env: Record<string, string>;
}

const roots: string[] = [];
const productionModules = new Map<string, string>();

/**
 * node_modules as the Dockerfile's `deps` stage makes it: its `RUN npm ci ...` command, run on
 * package.json + package-lock.json in an empty directory (once per command; npm's cache makes it
 * ~15 s).
 */
function depsStageModules(dockerfile: string): string {
  const deps = parseDockerfile(dockerfile).stages.find((stage) => stage.name === 'deps');
  const install = deps && args(deps, 'RUN').find((run) => run.startsWith('npm ci'));
  if (!install) throw new Error(`${dockerfile}: no deps stage with RUN npm ci`);
  const command = install.split('&&')[0]!.trim();
  const cached = productionModules.get(command);
  if (cached) return cached;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'etl-deps-'));
  roots.push(dir);
  for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(REPO_ROOT, file), path.join(dir, file));
  const result = spawnSync('sh', ['-c', `${command} --prefer-offline`], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  spawnSync('chmod', ['-R', 'a+rX', dir]); // readable by the image user (mkdtemp makes it 0700)
  chmodSync(dir, 0o755);
  const modules = path.join(dir, 'node_modules');
  productionModules.set(command, modules);
  return modules;
}

/** The runtime stage of `dockerfile` as a directory tree, readable by uid 10001. */
function assembleRuntime(dockerfile: string): ImageLayout {
  const runtime = parseDockerfile(dockerfile).stages.at(-1)!;
  const root = mkdtempSync(path.join(os.tmpdir(), 'etl-image-'));
  roots.push(root);
  const workdir = path.join(root, args(runtime, 'WORKDIR').at(-1)!);
  mkdirSync(workdir, { recursive: true });
  for (const copy of args(runtime, 'COPY')) {
    const parts = copy.split(' ');
    const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
    const [source, dest] = parts.filter((p) => !p.startsWith('--'));
    const target = dest.endsWith('/') && !from ? path.join(workdir, dest, path.basename(source)) : path.join(workdir, dest);
    mkdirSync(path.dirname(target), { recursive: true });
    if (from === 'deps') symlinkSync(depsStageModules(dockerfile), target);
    else if (from === 'build') cpSync(path.join(REPO_ROOT, source.replace(/^\/src\//, '')), target, { recursive: true });
    else cpSync(path.join(REPO_ROOT, source), target, { recursive: true });
  }
  spawnSync('chmod', ['-R', 'a+rX', root]);
  chmodSync(root, 0o755);
  const env = Object.fromEntries(args(runtime, 'ENV').flatMap((line) => [...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]])));
  return { workdir, entrypoint: JSON.parse(args(runtime, 'ENTRYPOINT')[0]) as string[], env };
}

function runAsImageUser(image: ImageLayout, command: string[], env: Record<string, string>) {
  const pathVar = `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`;
  const vars = Object.entries({ PATH: pathVar, ...image.env, ...env }).map(([k, v]) => `${k}=${v}`);
  return spawnSync('setpriv', ['--reuid=10001', '--regid=10001', '--clear-groups', 'env', '-i', ...vars, ...image.entrypoint, ...command], {
    cwd: image.workdir,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('image runtime layouts run as uid 10001', () => {
  (skipReason(API_MAIN) ? test.skip : test)('Dockerfile.api: the chart migration hook env migrates a fresh database, twice', async () => {
    const golden = parseManifests(readFileSync(path.join(import.meta.dirname, 'golden/chart-default.yaml'), 'utf8'));
    const hook = golden.find((o) => o.kind === 'Job' && o.metadata.name === 'etl-monitor-migrate')!;
    const container = podSpecOf(hook)!.containers[0] as unknown as { args: string[]; env: { name: string; value?: string }[] };
    const databaseUrl = await createTestDatabase('image_migrate');
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value ?? databaseUrl]));
    expect(Object.keys(env)).toEqual(['NODE_ENV', 'DATABASE_URL']);

    const image = assembleRuntime('Dockerfile.api');
    const first = runAsImageUser(image, container.args, env);
    expect({ status: first.status, stderr: first.stderr.replace(/.*oidc-provider WARNING.*\n/, '') }).toEqual({ status: 0, stderr: '' });
    const again = runAsImageUser(image, container.args, env);
    expect(again.status).toBe(0);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
      expect(Number(rows[0].n)).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  }, 300_000);

  (skipReason(EXTRACTOR_MAIN) ? test.skip : test)('Dockerfile.etl: an empty job contract exits with the config code and a failed summary', () => {
    const result = runAsImageUser(assembleRuntime('Dockerfile.etl'), [], {});
    expect(result.status).toBe(EXIT.config);
    expect(parseRunSummary(result.stdout)?.status).toBe('failed');
  }, 300_000);

  (skipReason(EXTRACTOR_MAIN) ? test.skip : test)('Dockerfile.etl: production dependencies only, a real run EMPLOYEE -> PostgreSQL loads 42 rows', async () => {
    const image = assembleRuntime('Dockerfile.etl');
    const modules = path.join(image.workdir, 'node_modules');
    // the deps stage really left the devDependencies out
    expect(['jest', 'typescript', 'nock', 'playwright-core'].filter((name) => existsSync(path.join(modules, name)))).toEqual([]);
    expect(existsSync(path.join(modules, 'node-firebird'))).toBe(true);
    const databaseUrl = await createTestDatabase('image_extract');
    const spec = postgresJobSpec({ sql: 'select EMP_NO, FIRST_NAME, LAST_NAME, HIRE_DATE, DEPT_NO, SALARY from EMPLOYEE', table: 'employee' });
    const result = runAsImageUser(image, [], extractorEnv(spec, firebird.readerPassword, databaseUrl));
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(parseRunSummary(result.stdout)).toMatchObject({ status: 'succeeded', rowsRead: 42, rowsWritten: 42 });
    expect(result.stdout).not.toContain(firebird.readerPassword);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number; salary: string }>(`SELECT count(*)::int AS n, sum(salary)::text AS salary FROM employee`);
      expect(rows[0]).toEqual({ n: 42, salary: '16203468.02' }); // isql-fb: select sum(salary) from employee
    } finally {
      await client.end();
    }
  }, 300_000);
});
