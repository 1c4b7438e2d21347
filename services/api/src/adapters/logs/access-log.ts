/**
 * Access log lines with Cloud Logging's `httpRequest` field (shown as a request line in the Logs
 * Explorer), built from plain request/response shapes so Express, node:http and tests all fit.
 * Headers other than User-Agent and Referer are never copied (Authorization, Cookie stay out).
 */
import type { Severity } from '../../../../../jobs/contract/src/log-entry.js';
import type { PendingLogEntry } from './logger.js';
import { redactUrl } from './redact.js';
import { traceFields, traceFromHeader } from './trace.js';

export interface RequestLike {
  method?: string;
  /** Express keeps the full path here when routers are mounted; preferred over `url`. */
  originalUrl?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Express's client address (honours `trust proxy`); falls back to the socket's. */
  ip?: string;
  socket?: { remoteAddress?: string | undefined };
  httpVersion?: string;
}

export interface ResponseLike {
  statusCode: number;
  getHeader?(name: string): number | string | string[] | undefined;
}

/** Cloud Logging's HttpRequest (the fields this product fills). Sizes are int64 → strings. */
export interface HttpRequestField {
  requestMethod: string;
  requestUrl: string;
  status: number;
  responseSize?: string;
  userAgent?: string;
  remoteIp?: string;
  referer?: string;
  /** Protobuf Duration in JSON: seconds with a trailing "s". */
  latency: string;
  protocol?: string;
}

function header(req: RequestLike, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function severityForStatus(status: number): Severity {
  if (status >= 500) return 'ERROR';
  if (status >= 400) return 'WARNING';
  return 'INFO';
}

/**
 * One access log entry for a finished request. With `projectId`, an `X-Cloud-Trace-Context`
 * header becomes the entry's trace so the request's other lines group under it.
 */
export function accessLogEntry(req: RequestLike, res: ResponseLike, latencyMs: number, options: { projectId?: string } = {}): PendingLogEntry {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = redactUrl(req.originalUrl ?? req.url ?? '/');
  const status = res.statusCode;
  const contentLength = res.getHeader?.('content-length');
  const userAgent = header(req, 'user-agent');
  const referer = header(req, 'referer');
  const remoteIp = req.ip ?? req.socket?.remoteAddress;
  const httpRequest: HttpRequestField = {
    requestMethod: method,
    requestUrl: url,
    status,
    ...(contentLength !== undefined && !Array.isArray(contentLength) ? { responseSize: String(contentLength) } : {}),
    ...(userAgent ? { userAgent } : {}),
    ...(remoteIp ? { remoteIp } : {}),
    ...(referer ? { referer: redactUrl(referer) } : {}),
    latency: `${(Math.max(0, latencyMs) / 1000).toFixed(3)}s`,
    ...(req.httpVersion ? { protocol: `HTTP/${req.httpVersion}` } : {}),
  };
  const trace = traceFromHeader(req.headers['x-cloud-trace-context'], options.projectId);
  return {
    severity: severityForStatus(status),
    message: `${method} ${url} ${status} ${Math.round(latencyMs)} ms`,
    httpRequest,
    ...(trace ? traceFields(trace) : {}),
  };
}
