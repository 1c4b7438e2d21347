/**
 * The reader the execution page uses in Kubernetes mode: the pod's own log while the pod still
 * exists (lines appear immediately, no ingestion delay), Cloud Logging once it is gone (the pod
 * was deleted by ttlSecondsAfterFinished or the Job was stopped). In local mode the same reader
 * works with the captured output as the "live" source and no fallback.
 */
import { parseLogLines } from './local-log-parser.js';
import type { ExecutionLogQuery, ExecutionLogReader, LogReadResult, LogSource } from './log-reader.js';

/**
 * Returns the run's raw output lines, oldest first, or `undefined` when there is nothing live to
 * read (no pod any more). Injected by the caller, e.g. built on Runtime.readLogs.
 */
export type LiveLogSource = (executionId: string) => Promise<readonly string[] | undefined>;

export interface CompositeLogReaderOptions {
  live: LiveLogSource;
  /** What `live` reads from: 'pod' (Kubernetes) or 'local' (captured output). */
  liveSource: Extract<LogSource, 'pod' | 'local'>;
  /** Cloud Logging (or another archive) for when the live source has nothing; absent when not configured. */
  archive?: ExecutionLogReader;
}

/** Page tokens of the archive are passed through unchanged; a live read always returns everything. */
export class CompositeLogReader implements ExecutionLogReader {
  constructor(private readonly options: CompositeLogReaderOptions) {}

  async read(query: ExecutionLogQuery): Promise<LogReadResult> {
    let liveError: string | undefined;
    // A page token only comes from the archive: keep paging there even if a pod reappeared.
    if (!query.pageToken) {
      try {
        const raw = await this.options.live(query.executionId);
        if (raw !== undefined) {
          const lines = parseLogLines(raw, query.minSeverity ? { minSeverity: query.minSeverity } : {});
          return { ok: true, source: this.options.liveSource, lines };
        }
      } catch (error) {
        // The pod vanished between listing and reading, or the API server blinked: try the archive.
        liveError = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      }
    }
    if (this.options.archive) return this.options.archive.read(query);
    if (liveError !== undefined) {
      return { ok: false, reason: 'unavailable', message: `Reading the ${this.options.liveSource} log failed: ${liveError}` };
    }
    return {
      ok: false,
      reason: 'not-configured',
      message:
        this.options.liveSource === 'pod'
          ? 'The pod of this execution is gone and Cloud Logging is not configured (set ETL_LOGS_BACKEND=cloud-logging and GOOGLE_CLOUD_PROJECT).'
          : 'No captured output exists for this execution.',
    };
  }
}
