/**
 * Extractor process entry point (one process = one run). Reads ONLY the job contract
 * (jobs/contract/src/job-spec.ts ENV), runs {@link runExtraction}, prints the RunSummary as the
 * last stdout line and to the termination log, and exits with the contract's exit code.
 * SIGTERM stops the run; if cleanup does not finish in time the summary is written anyway and the
 * process exits 143 before Kubernetes' grace period ends.
 */
import { accessSync, constants, writeFileSync } from 'node:fs';
import { ENV, JobSpecError, parseJobSpec } from '../../contract/src/job-spec.js';
import { EXIT, exitCodeFor } from '../../contract/src/exit-codes.js';
import type { RunSummary } from '../../contract/src/summary.js';
import { ExtractionError, redact } from './errors.js';
import { RunLogger } from './logger.js';
import { runExtraction, type ExtractionDeps } from './run-extraction.js';
import { bigQueryFromEnvironment, createDestinationFactory } from './destination/factory.js';

const STOP_DEADLINE_MS = 8_000;
const DEFAULT_TERMINATION_LOG = '/dev/termination-log';

const out = (line: string) => process.stdout.write(`${line}\n`);

function terminationLogPath(env: NodeJS.ProcessEnv): string | undefined {
  const configured = env[ENV.terminationLog];
  if (configured) return configured;
  try {
    accessSync(DEFAULT_TERMINATION_LOG, constants.W_OK);
    return DEFAULT_TERMINATION_LOG;
  } catch {
    return undefined;
  }
}

function exitCodeOf(summary: RunSummary): number {
  if (summary.status === 'succeeded') return EXIT.ok;
  if (summary.status === 'stopped') return EXIT.stopped;
  return exitCodeFor(summary.error?.kind ?? 'internal');
}

let finished = false;
function finish(summary: RunSummary, secrets: readonly (string | undefined)[]): never {
  const line = redact(JSON.stringify(summary), secrets);
  if (!finished) {
    finished = true;
    out(line);
    const path = terminationLogPath(process.env);
    if (path) {
      try {
        writeFileSync(path, `${line}\n`);
      } catch (err) {
        process.stderr.write(`could not write the termination log ${path}: ${(err as Error).message}\n`);
      }
    }
  }
  process.exit(exitCodeOf(summary));
}

async function main(): Promise<void> {
  const env = process.env;
  const startedAt = new Date();
  const identity = { executionId: env[ENV.executionId] || undefined, runName: env[ENV.runName] || undefined };
  const secrets = { sourcePassword: env[ENV.sourcePassword] ?? '', destinationPostgresUrl: env[ENV.destinationPostgresUrl] || undefined };
  const secretList = [secrets.sourcePassword, secrets.destinationPostgresUrl];
  const failEarly = (error: ExtractionError): never => {
    new RunLogger(identity, out, secretList).error(`run failed (${error.kind}): ${error.message}`, { errorKind: error.kind });
    const now = new Date().toISOString();
    return finish({ summary: true, status: 'failed', ...identity, rowsRead: 0, rowsWritten: 0, startedAt: startedAt.toISOString(), finishedAt: now, error: error.toRunError() }, secretList);
  };

  let spec;
  try {
    spec = parseJobSpec(env[ENV.jobSpec] ?? '');
  } catch (err) {
    if (err instanceof JobSpecError) failEarly(new ExtractionError('config', `invalid job spec: ${err.message}`));
    throw err;
  }
  if (!env[ENV.sourcePassword]) failEarly(new ExtractionError('config', `${ENV.sourcePassword} is not set: the source password must come from its secret`));

  // Node's process warnings (a library's deprecation notice) as structured WARNING lines with a
  // time and the run's labels, through the same redaction, instead of bare stderr text.
  const runLog = new RunLogger(identity, out, secretList);
  process.removeAllListeners('warning');
  process.on('warning', (warning) => runLog.warn(`Node.js warning: ${warning.name}: ${warning.message}`, { warning: warning.name }));

  const controller = new AbortController();
  process.once('SIGTERM', () => {
    controller.abort();
    setTimeout(() => {
      const now = new Date().toISOString();
      finish({ summary: true, status: 'stopped', ...identity, rowsRead: 0, rowsWritten: 0, startedAt: startedAt.toISOString(), finishedAt: now }, secretList);
    }, STOP_DEADLINE_MS).unref();
  });

  const deps: ExtractionDeps = { out, signal: controller.signal, createDestination: createDestinationFactory({ bigQuery: bigQueryFromEnvironment(env) }) };
  const summary = await runExtraction(spec, secrets, identity, deps);
  finish(summary, secretList);
}

main().catch((err: unknown) => {
  process.stderr.write(`extractor crashed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(EXIT.internal);
});
