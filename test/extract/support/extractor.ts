// Helpers to run the extractor in tests: as a library call (runExtraction) and as the built process.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { JobSpec } from '../../../jobs/contract/src/job-spec.js';
import type { RunSummary } from '../../../jobs/contract/src/summary.js';
import { parseRunSummary } from '../../../jobs/contract/src/summary.js';
import { runExtraction, type ExtractionDeps } from '../../../jobs/extract/src/run-extraction.js';
import { firebird } from '../../support/firebird.js';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const extractorMain = join(repoRoot, 'dist', 'jobs', 'extract', 'src', 'main.js');

let built = false;
/** Compiles the extractor to dist/ once per test file (only our sources, see tsconfig.extractor.json). */
export function buildExtractor(): void {
  if (built) return;
  execFileSync('npx', ['tsc', '-p', join(repoRoot, 'test', 'extract', 'tsconfig.extractor.json')], { cwd: repoRoot, stdio: 'pipe' });
  built = true;
}

export function postgresJobSpec(overrides: { sql: string; table: string; database?: string; writeMode?: JobSpec['destination']['writeMode']; source?: Partial<JobSpec['source']>; script?: Partial<JobSpec['script']> }): JobSpec {
  return {
    version: 1,
    scheduleId: 'sched-test',
    names: { schedule: 'test schedule', source: 'test source', script: 'test script', destination: 'test destination' },
    source: {
      host: firebird.host,
      port: firebird.port,
      database: overrides.database ?? firebird.employeeDatabase,
      user: firebird.readerUser,
      charset: 'NONE',
      timeZone: 'America/Sao_Paulo',
      connectTimeoutMs: 5000,
      readTimeoutMs: 20000,
      ...overrides.source,
    },
    script: { name: 'test script', sql: overrides.sql, keyColumns: [], ...overrides.script },
    destination: { kind: 'postgres', schema: 'public', table: overrides.table, writeMode: overrides.writeMode ?? 'truncate' },
  };
}

export interface LibraryRun {
  summary: RunSummary;
  lines: string[];
}

export async function runLibrary(spec: JobSpec, password: string, postgresUrl: string | undefined, deps: Partial<ExtractionDeps> = {}): Promise<LibraryRun> {
  const lines: string[] = [];
  const summary = await runExtraction(spec, { sourcePassword: password, destinationPostgresUrl: postgresUrl }, { executionId: 'exec-test', runName: 'run-test' }, {
    out: (line) => lines.push(line),
    attachAttempts: 1,
    ...deps,
  });
  return { summary, lines };
}

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: RunSummary | null;
}

/** The contract environment of one run against a Postgres destination (termination log discarded). */
export function extractorEnv(spec: JobSpec, password: string, postgresUrl: string): Record<string, string> {
  return { ETL_JOB_SPEC: JSON.stringify(spec), ETL_SOURCE_PASSWORD: password, ETL_DEST_POSTGRES_URL: postgresUrl, ETL_TERMINATION_LOG: '/dev/null' };
}

export function spawnExtractor(env: Record<string, string>, onStart?: (child: ChildProcess) => void): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [extractorMain], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, summary: parseRunSummary(stdout) }));
    onStart?.(child);
  });
}

export interface StoppedRun extends ProcessRun {
  /** Milliseconds from SIGTERM to the process exit (NaN when the trigger never appeared). */
  stoppedWithinMs: number;
}

/** Spawns the extractor and sends SIGTERM `afterMs` after a stdout chunk containing `trigger`. */
export async function spawnExtractorAndStop(env: Record<string, string>, trigger: string, afterMs: number): Promise<StoppedRun> {
  let signalledAt = NaN;
  const run = await spawnExtractor(env, (child) => {
    let armed = false;
    child.stdout!.on('data', (d: Buffer) => {
      if (armed || !d.toString().includes(trigger)) return;
      armed = true;
      setTimeout(() => {
        signalledAt = Date.now();
        child.kill('SIGTERM');
      }, afterMs);
    });
  });
  return { ...run, stoppedWithinMs: Date.now() - signalledAt };
}

