/**
 * The images cannot be built here (no Docker engine). Instead each runtime stage is assembled as a
 * directory from the Dockerfile's own COPY lines (`--from=deps` -> this checkout's node_modules,
 * `--from=build` -> this checkout's dist/ from `npm run build`, which scripts/test.sh runs first)
 * and its ENTRYPOINT runs as uid 10001 with only the image's ENV plus the env Kubernetes would
 * give: the chart's migration hook must migrate a fresh database, and the extractor must refuse an
 * empty job contract with the configuration exit code. This catches missing runtime files, paths
 * that only work from the repository, and a user without a home.
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
    if (from === 'deps') symlinkSync(path.join(REPO_ROOT, 'node_modules'), target);
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
  });

  (skipReason(EXTRACTOR_MAIN) ? test.skip : test)('Dockerfile.etl: an empty job contract exits with the config code and a failed summary', () => {
    const result = runAsImageUser(assembleRuntime('Dockerfile.etl'), [], {});
    expect(result.status).toBe(EXIT.config);
    expect(parseRunSummary(result.stdout)?.status).toBe('failed');
  });
});
