/**
 * Reads a finished execution's lines from Cloud Logging (Kubernetes mode, after the pod is gone).
 *
 * Uses @google-cloud/logging over its REST fallback transport: one HTTPS request per page to
 * `POST https://logging.googleapis.com/v2/entries:list`, which works through ordinary proxies and
 * can be tested with nock (the gRPC transport cannot).
 */
import { Logging, type Entry } from '@google-cloud/logging';
import { classifyLogReadError } from './cloud-logging-errors.js';
import { cloudLoggingConsoleUrl, entriesFilter } from './cloud-logging-query.js';
import { normalizeSeverity, type LogLine } from './log-line.js';
import type { ExecutionLogQuery, ExecutionLogReader, LogReadResult, LogWindow } from './log-reader.js';

export interface CloudLoggingReaderOptions {
  projectId: string;
  /** Namespace of the extractor pods (ETL_NAMESPACE); narrows the query when given. */
  namespace?: string;
  /**
   * Credentials other than Application Default Credentials (Workload Identity on GKE): an
   * google-auth-library AuthClient, e.g. an OAuth2Client with preset credentials in tests.
   */
  authClient?: object;
  apiEndpoint?: string;
  /**
   * Budget of one page request; a page render must not hang on Cloud Logging. Enforced here:
   * over the REST fallback gax's own `timeout` does not end a request the server never answers
   * (observed with @google-cloud/logging 11.4.0). No automatic retries happen either: an HTTP 503
   * keeps its HTTP code, which is not one of gax's retryable gRPC codes; reloading is the retry.
   */
  timeoutMs?: number;
  defaultPageSize?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_PAGE_SIZE = 500;
/** entries.list refuses a larger page size. */
const MAX_PAGE_SIZE = 1000;

/** Rejects with a DEADLINE_EXCEEDED-coded error when `promise` has not settled after `ms`. */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 4 /* DEADLINE_EXCEEDED */ })), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** jsonPayload keys that are LogLine's own properties (or agent metadata), not `fields`. */
const PAYLOAD_KEYS_NOT_FIELDS = new Set(['message', 'severity', 'time', 'timestamp']);
const isFieldKey = (key: string): boolean => !PAYLOAD_KEYS_NOT_FIELDS.has(key) && !key.startsWith('logging.googleapis.com/');

export class CloudLoggingLogReader implements ExecutionLogReader {
  private readonly logging: Logging;

  constructor(private readonly options: CloudLoggingReaderOptions) {
    // `fallback` is missing from LoggingOptions' type and `authClient` is typed narrower than the
    // AuthClient instances google-auth-library accepts at run time: hence the one cast.
    const clientOptions = {
      projectId: options.projectId,
      fallback: 'rest',
      ...(options.authClient ? { authClient: options.authClient } : {}),
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    };
    this.logging = new Logging(clientOptions as ConstructorParameters<typeof Logging>[0]);
  }

  /** "Open in Cloud Logging" link for the same lines this reader returns (same project and namespace). */
  consoleUrl(executionId: string, window: LogWindow): string {
    return cloudLoggingConsoleUrl(this.options.projectId, executionId, window, this.options.namespace ? { namespace: this.options.namespace } : {});
  }

  async read(query: ExecutionLogQuery): Promise<LogReadResult> {
    const pageSize = Math.min(query.pageSize ?? this.options.defaultPageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const filter = entriesFilter({ executionId: query.executionId, namespace: this.options.namespace }, query.window, query.minSeverity);
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      const request = this.logging.getEntries({
        resourceNames: [`projects/${this.options.projectId}`],
        filter,
        orderBy: 'timestamp asc',
        pageSize,
        ...(query.pageToken ? { pageToken: query.pageToken } : {}),
        autoPaginate: false,
        // Only `timeout`: gax mutates shared retry settings when `maxRetries` is passed, which
        // breaks later calls that pass a timeout ("Cannot set both totalTimeoutMillis and maxRetries").
        gaxOptions: { timeout: timeoutMs },
      });
      const [entries, , response] = await withDeadline(request, timeoutMs);
      const nextPageToken = response?.nextPageToken || undefined;
      return { ok: true, source: 'cloud-logging', lines: entries.map(entryToLogLine), ...(nextPageToken ? { nextPageToken } : {}) };
    } catch (error) {
      return classifyLogReadError(error, this.options.projectId);
    }
  }
}

/** Maps a library Entry (jsonPayload → object `data`, textPayload → string `data`) to a LogLine. */
export function entryToLogLine(entry: Entry): LogLine {
  const metadata = entry.metadata;
  const timestamp = metadata.timestamp;
  const time = timestamp instanceof Date ? timestamp.toISOString() : typeof timestamp === 'string' ? timestamp : '';
  const severity = normalizeSeverity(metadata.severity);
  const data: unknown = entry.data;
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const payload = data as Record<string, unknown>;
    const fields = Object.fromEntries(Object.entries(payload).filter(([key]) => isFieldKey(key)));
    const message = typeof payload.message === 'string' ? payload.message : JSON.stringify(payload);
    return { time, severity, message, ...(Object.keys(fields).length > 0 ? { fields } : {}) };
  }
  return { time, severity, message: typeof data === 'string' ? data : data === undefined || data === null ? '' : JSON.stringify(data) };
}
