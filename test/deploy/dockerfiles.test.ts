/**
 * No Docker engine runs here, so Dockerfile.api / Dockerfile.etl are checked by parsing them:
 * multi-stage from the pinned Node base, lockfile installs only, production dependencies in the
 * runtime, numeric non-root user, exec-form node ENTRYPOINT (SIGTERM reaches node), the
 * contract's entry points, COPY sources that exist or come from the build, OCI labels, no secrets.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { args, parseDockerfile } from './support/dockerfile.js';
import { REPO_ROOT } from './support/tools.js';
import { EXTRACTOR_NODE_FLAGS } from '../../jobs/contract/src/runtime-flags.js';

const IMAGES = {
  'Dockerfile.api': { entrypoint: 'dist/services/api/src/entrypoints/cli/main.js', title: 'etl-monitor-api', nodeFlags: ['--enable-source-maps'] },
  // The extractor's flags are the ones the local runtime uses too (one list, jobs/contract).
  'Dockerfile.etl': { entrypoint: 'dist/jobs/extract/src/main.js', title: 'etl-monitor-etl', nodeFlags: EXTRACTOR_NODE_FLAGS },
} as const;
const FILES = Object.keys(IMAGES) as (keyof typeof IMAGES)[];

describe.each(FILES)('%s', (file) => {
  const { preamble, stages } = parseDockerfile(file);
  const runtime = stages.at(-1)!;

  test('multi-stage build from the pinned node:20-bookworm-slim base', () => {
    expect(preamble).toEqual([{ keyword: 'ARG', args: 'NODE_IMAGE=node:20-bookworm-slim' }]);
    expect(stages.map((s) => `${s.name}<-${s.base}`)).toEqual(['build<-${NODE_IMAGE}', 'deps<-${NODE_IMAGE}', 'runtime<-${NODE_IMAGE}']);
  });

  test('dependencies come only from the lockfile; the runtime gets production dependencies only', () => {
    const runs = stages.flatMap((s) => args(s, 'RUN').map((r) => `${s.name}: ${r}`));
    expect(runs.filter((r) => /\bnpm (install|i)\b/.test(r))).toEqual([]);
    for (const stage of stages) {
      const copiesLockfile = args(stage, 'COPY').some((c) => c.includes('package-lock.json'));
      expect({ stage: stage.name, npmCi: args(stage, 'RUN').some((r) => r.includes('npm ci')) && !copiesLockfile }).toEqual({ stage: stage.name, npmCi: false });
    }
    expect(args(stages[1], 'RUN')).toEqual(['npm ci --omit=dev --no-audit --no-fund && npm cache clean --force']);
    expect(args(runtime, 'COPY')).toContain('--from=deps /app/node_modules ./node_modules');
    expect(args(runtime, 'RUN').join(' ')).not.toMatch(/npm/);
  });

  test('runs as numeric non-root uid 10001 with an exec-form node ENTRYPOINT (the contract entry point)', () => {
    expect(args(runtime, 'USER')).toEqual(['10001:10001']);
    // A uid with no usable home makes os.homedir() throw in dependencies that call it on import.
    expect(args(runtime, 'ENV').join(' ')).toMatch(/\bHOME=\/tmp\b/);
    const entrypoint = args(runtime, 'ENTRYPOINT');
    expect(entrypoint).toHaveLength(1);
    expect(JSON.parse(entrypoint[0])).toEqual(['node', ...IMAGES[file].nodeFlags, IMAGES[file].entrypoint]);
    // The entry point is tsc output of a source tsconfig.build.json compiles (services/*/src, jobs/*/src).
    expect(IMAGES[file].entrypoint.replace(/^dist\//, '')).toMatch(/^(services|jobs)\/[^/]+\/src\/.+\.js$/);
  });

  test('every COPY source exists in the build context or is produced by an earlier stage', () => {
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    for (const stage of stages) {
      for (const copy of args(stage, 'COPY')) {
        const parts = copy.split(' ');
        const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
        const sources = parts.filter((p) => !p.startsWith('--')).slice(0, -1);
        if (from) {
          const producer = stages.find((s) => s.name === from);
          expect({ copy, producedBy: producer?.name }).toEqual({ copy, producedBy: from });
          const produced = from === 'deps' ? ['/app/node_modules'] : ['/src/dist', '/src/dist/jobs'];
          expect(produced).toEqual(expect.arrayContaining(sources));
        } else {
          for (const source of sources) {
            expect({ source, exists: existsSync(path.join(REPO_ROOT, source)), ignored: ignored.includes(source) }).toEqual({ source, exists: true, ignored: false });
          }
        }
      }
    }
  });

  test('OCI labels are set and nothing secret is baked in', () => {
    const labels = args(runtime, 'LABEL').join(' ');
    for (const key of ['title', 'description', 'version', 'revision', 'licenses', 'source']) {
      expect(labels).toContain(`org.opencontainers.image.${key}=`);
    }
    expect(labels).toContain(`org.opencontainers.image.title="${IMAGES[file].title}"`);
    const settings = stages.flatMap((s) => [...args(s, 'ENV'), ...args(s, 'ARG')]).join(' ');
    expect(settings).not.toMatch(/PASSWORD|SECRET|TOKEN|CREDENTIAL|_KEY|DATABASE_URL/i);
    expect(stages.flatMap((s) => args(s, 'ADD'))).toEqual([]);
  });
});

describe('image boundaries', () => {
  test('.dockerignore keeps local state, build output and VCS data out of the context', () => {
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.local', '.cache', 'coverage', 'test-artifacts', '.env']));
  });

  test('the API image exposes the probe port 8080 and defaults to `serve`', () => {
    const runtime = parseDockerfile('Dockerfile.api').stages.at(-1)!;
    expect(args(runtime, 'EXPOSE')).toEqual(['8080']);
    expect(args(runtime, 'CMD')).toEqual(['["serve"]']);
  });

  test('the extractor image ships only dist/jobs, so no jobs/ source may import services/', () => {
    const tsFiles = (dir: string): string[] =>
      readdirSync(dir).flatMap((entry) => {
        const full = path.join(dir, entry);
        return statSync(full).isDirectory() ? tsFiles(full) : full.endsWith('.ts') ? [full] : [];
      });
    const offenders = tsFiles(path.join(REPO_ROOT, 'jobs')).filter((f) => /from\s+['"][^'"]*\/services\//.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(REPO_ROOT, f))).toEqual([]);
  });
});
