/**
 * Command-line tools the deploy tests drive: the offline Helm renderer (built from
 * scripts/helm-render with Debian's Go), kubectl (kustomize) and terraform. Each is optional on
 * a developer machine; `missingTool` explains what to install so a skipped suite says why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
export const CHART_DIR = path.join(REPO_ROOT, 'charts/etl-monitor');

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): RunResult {
  const result = spawnSync(command, args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

/** Why a tool-dependent suite is skipped, or undefined when the tool is there. */
export function missingTool(command: string, hint: string): string | undefined {
  if (hasCommand(command)) return undefined;
  const reason = `SKIPPED: '${command}' is not installed (${hint})`;
  console.warn(reason);
  return reason;
}

const RENDERER_SOURCES = ['main.go', 'go.mod', 'build.sh'].map((f) => path.join(REPO_ROOT, 'scripts/helm-render', f));
const RENDERER_BINARY = path.join(REPO_ROOT, '.cache/helm-render/helm-render');

/**
 * Builds scripts/helm-render once per source change. Test files run in parallel workers, so the
 * binary is built under a unique name and renamed into place (rename is atomic on one filesystem).
 */
export function buildRenderer(): string {
  const newestSource = Math.max(...RENDERER_SOURCES.map((f) => statSync(f).mtimeMs));
  if (existsSync(RENDERER_BINARY) && statSync(RENDERER_BINARY).mtimeMs >= newestSource) return RENDERER_BINARY;
  mkdirSync(path.dirname(RENDERER_BINARY), { recursive: true });
  const staging = `${RENDERER_BINARY}.${process.pid}`;
  const build = run('sh', [path.join(REPO_ROOT, 'scripts/helm-render/build.sh'), staging]);
  if (build.status !== 0) throw new Error(`scripts/helm-render/build.sh failed:\n${build.stderr}`);
  renameSync(staging, RENDERER_BINARY);
  return RENDERER_BINARY;
}

export function render(renderer: string, args: string[]): RunResult {
  return run(renderer, args);
}
