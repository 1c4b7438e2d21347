/**
 * One extraction run: Firebird script -> destination, as a library function so tests can inject
 * the clock, the output sink, the stop signal and the destination factory (BigQuery client).
 * `main.ts` is the thin process entry point around it.
 *
 * Order of a run: attach (limited retries for transient errors) -> prepare (columns, names) ->
 * [incremental: read the watermark from the destination] -> COUNT(*) in the same snapshot ->
 * stream batches into the destination -> reconcile counts -> commit. Any failure or a stop
 * aborts the destination load, so the destination keeps its previous content.
 */
import type { JobSpec } from '../../contract/src/job-spec.js';
import type { RunSummary } from '../../contract/src/summary.js';
import type { Column, Row } from './columns.js';
import { findColumn, nameColumns } from './column-names.js';
import { type Destination, rowCountMismatch } from './destination/destination.js';
import { asExtractionError, ExtractionError, StopRequested } from './errors.js';
import { type LineSink, RunLogger } from './logger.js';
import { FirebirdSource } from './source/firebird-source.js';
import { createDestinationFactory } from './destination/factory.js';

export interface ExtractionSecrets {
  sourcePassword: string;
  destinationPostgresUrl?: string;
}

export interface RunIdentity {
  executionId?: string;
  runName?: string;
}

export interface DestinationRequest {
  spec: JobSpec;
  secrets: ExtractionSecrets;
  /** Destination names of the merge keys (empty unless the load merges). */
  keyColumns: string[];
  /** Identifies this run in staging tables and job ids. */
  runId: string;
  /** Names a row in error messages ("EMP_NO=2"). */
  describeKey: (row: Row) => string;
  log: RunLogger;
  signal: AbortSignal;
}

export interface ExtractionDeps {
  /** Where log lines go (stdout in the process). */
  out: LineSink;
  signal?: AbortSignal;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Builds the destination (default: destination/factory.ts without BigQuery). */
  createDestination?: (request: DestinationRequest) => Destination;
  /** Attach attempts for transient failures (unreachable, connection lost). */
  attachAttempts?: number;
  progressIntervalMs?: number;
}

const DEFAULT_ATTACH_ATTEMPTS = 3;
const ATTACH_BACKOFF_MS = 1_000;
const DEFAULT_PROGRESS_INTERVAL_MS = 5_000;
const TRANSIENT_ATTACH_KINDS = new Set(['unreachable', 'connection-lost']);

export async function runExtraction(spec: JobSpec, secrets: ExtractionSecrets, identity: RunIdentity, deps: ExtractionDeps): Promise<RunSummary> {
  const now = deps.now ?? (() => new Date());
  const signal = deps.signal ?? new AbortController().signal;
  const log = new RunLogger({ ...identity, scheduleId: spec.scheduleId }, deps.out, [secrets.sourcePassword, secrets.destinationPostgresUrl], now);
  const startedAt = now();
  const counters = { rowsRead: 0, rowsWritten: 0, jobId: undefined as string | undefined };
  let source: FirebirdSource | undefined;
  let destination: Destination | undefined;

  const stop = () => {
    log.warn('stop requested (SIGTERM): cancelling the read and discarding the load');
    void source?.abort();
    void destination?.abort();
  };
  signal.addEventListener('abort', stop, { once: true });

  const summary = (status: RunSummary['status'], error?: ExtractionError): RunSummary => ({
    summary: true,
    status,
    ...(identity.executionId ? { executionId: identity.executionId } : {}),
    ...(identity.runName ? { runName: identity.runName } : {}),
    rowsRead: counters.rowsRead,
    rowsWritten: counters.rowsWritten,
    ...(counters.jobId ? { destinationJobId: counters.jobId } : {}),
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    ...(error ? { error: error.toRunError() } : {}),
  });

  try {
    log.info(`run started: ${spec.names.script} from ${spec.names.source} to ${spec.names.destination} (${spec.destination.writeMode})`, {
      source: `${spec.source.host}:${spec.source.port}/${spec.source.database}`,
      destination: spec.destination.kind,
      writeMode: spec.destination.writeMode,
    });
    source = await attachWithRetries(spec, secrets, log, deps, signal);
    const sql = spec.script.sql.trim().replace(/;+\s*$/, '');
    const columns = nameColumns(await source.prepare(sql));
    throwIfStopped(signal);
    const keyColumns = resolveColumns(columns, spec.script.keyColumns, 'key column');
    const mode = spec.destination.writeMode;
    const merging = mode === 'merge' || (mode === 'incremental' && keyColumns.length > 0);
    const describeKey = rowKeyDescriber(columns, keyColumns);
    destination = (deps.createDestination ?? createDestinationFactory())({
      spec,
      secrets,
      keyColumns: merging ? keyColumns.map((c) => c.name) : [],
      runId: identity.executionId ?? identity.runName ?? `${startedAt.getTime()}_${process.pid}`,
      describeKey,
      log,
      signal,
    });

    let readSql = sql;
    let params: unknown[] = [];
    if (mode === 'incremental') {
      const [watermark] = resolveColumns(columns, [spec.script.watermarkColumn ?? ''], 'watermark column');
      const current = await destination.readWatermark(watermark!);
      if (current !== null) {
        // With keys, ">=" re-reads the last watermark value and the merge makes that idempotent;
        // without keys, ">" is the only way a rerun adds no duplicates.
        const operator = keyColumns.length > 0 ? '>=' : '>';
        readSql = `select * from (${sql}) etl_source where "${watermark!.sourceName.replace(/"/g, '""')}" ${operator} ?`;
        params = [current];
        await source.prepare(readSql);
      }
      log.info(`incremental load from watermark ${current ?? '(none: full load)'}`, { watermarkColumn: watermark!.sourceName, watermark: current });
    }

    const expectedRows = await countInSnapshot(source, readSql, params, log);
    log.info(`reading ${expectedRows ?? 'an uncounted number of'} rows in ${columns.length} columns`, {
      expectedRows,
      columns: columns.map((c) => ({ name: c.name, source: c.sourceName, type: c.type })),
    });
    throwIfStopped(signal);
    await destination.begin(columns);

    const progressEvery = deps.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    let lastProgress = Date.now();
    for await (const batch of source.batches(params, describeKey)) {
      throwIfStopped(signal);
      await destination.write(batch);
      counters.rowsRead += batch.length;
      if (Date.now() - lastProgress >= progressEvery) {
        lastProgress = Date.now();
        log.info(`progress: ${counters.rowsRead} of ${expectedRows ?? '?'} rows`, { progress: { rowsRead: counters.rowsRead, expectedRows } });
      }
    }
    throwIfStopped(signal);
    if (expectedRows !== undefined && counters.rowsRead !== expectedRows) {
      throw new ExtractionError(
        'data',
        rowCountMismatch(expectedRows, counters.rowsRead),
        'the rows read differ from COUNT(*) in the same snapshot, so nothing was loaded; run again (a repeated mismatch points at the driver or the network)',
      );
    }
    if (mode === 'truncate' && counters.rowsRead === 0 && !spec.script.allowEmpty) {
      throw new ExtractionError(
        'empty-result',
        `script "${spec.names.script}" returned no rows; truncate mode refuses to empty ${destination.description}`,
        'if an empty result is legitimate, allow empty results on the script',
      );
    }
    await source.close();
    const committed = await destination.commit(counters.rowsRead);
    counters.rowsWritten = committed.rowsWritten;
    counters.jobId = committed.jobId;
    log.info(`run succeeded: ${counters.rowsRead} rows read, ${counters.rowsWritten} written to ${destination.description}`, { rowsRead: counters.rowsRead, rowsWritten: counters.rowsWritten });
    return summary('succeeded');
  } catch (err) {
    await Promise.allSettled([source?.abort(), destination?.abort()]);
    if (signal.aborted || err instanceof StopRequested) {
      log.warn(`run stopped after ${counters.rowsRead} rows; the destination was not changed`, { rowsRead: counters.rowsRead });
      return summary('stopped');
    }
    const error = asExtractionError(err);
    log.error(`run failed (${error.kind}): ${error.message}`, { errorKind: error.kind, ...(error.hint ? { hint: error.hint } : {}) });
    if (error.kind === 'internal' && err instanceof Error && err.stack) log.error(err.stack);
    return summary('failed', error);
  } finally {
    signal.removeEventListener('abort', stop);
    await source?.close();
  }
}

/**
 * COUNT(*) of the script in the read snapshot, to catch a read that ends early. Statements that
 * cannot be a derived table (EXECUTE BLOCK, some CTEs) are read uncounted; destinations still
 * reconcile what they received with what was read.
 */
async function countInSnapshot(source: FirebirdSource, sql: string, params: unknown[], log: RunLogger): Promise<number | undefined> {
  try {
    return await source.count(sql, params);
  } catch (err) {
    if (!(err instanceof ExtractionError) || err.kind !== 'sql') throw err;
    log.warn(`the script cannot be counted in a derived table (${err.message}); the read is checked against the destination only`);
    return undefined;
  }
}

async function attachWithRetries(spec: JobSpec, secrets: ExtractionSecrets, log: RunLogger, deps: ExtractionDeps, signal: AbortSignal): Promise<FirebirdSource> {
  const attempts = deps.attachAttempts ?? DEFAULT_ATTACH_ATTEMPTS;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    throwIfStopped(signal);
    try {
      return await FirebirdSource.open(spec.source, secrets.sourcePassword, spec.names.script);
    } catch (err) {
      const error = asExtractionError(err);
      if (!TRANSIENT_ATTACH_KINDS.has(error.kind) || attempt >= attempts) throw error;
      const delay = ATTACH_BACKOFF_MS * 2 ** (attempt - 1);
      log.warn(`attach attempt ${attempt} of ${attempts} failed (${error.kind}): ${error.message}; retrying in ${delay} ms`);
      await sleep(delay);
    }
  }
}

function resolveColumns(columns: readonly Column[], names: readonly string[], what: string): Column[] {
  return names.map((name) => {
    const column = findColumn(columns, name);
    if (!column) {
      throw new ExtractionError('config', `${what} "${name}" is not a column of the script (columns: ${columns.map((c) => c.sourceName).join(', ')})`);
    }
    return column;
  });
}

/** Names a row in error messages by its key columns (or the first column): "EMP_NO=2". */
export function rowKeyDescriber(columns: readonly Column[], keyColumns: readonly Column[]): (row: Row) => string {
  const keys = keyColumns.length > 0 ? keyColumns : columns.slice(0, 1);
  return (row) => keys.map((k) => `${k.sourceName}=${formatKey(row[k.index])}`).join(', ');
}

function formatKey(value: unknown): string {
  if (value === undefined) return '?';
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex').slice(0, 32)}`;
  return JSON.stringify(value);
}

function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted) throw new StopRequested();
}
