/**
 * Request trace ids in Cloud Logging's form, so the Logs Explorer groups a request's lines and
 * links them to Cloud Trace.
 */
import { TRACE_KEY } from '../../../../../jobs/contract/src/log-entry.js';

export const SPAN_ID_KEY = 'logging.googleapis.com/spanId';
export const TRACE_SAMPLED_KEY = 'logging.googleapis.com/trace_sampled';

/** The trace fields of one request, already in Cloud Logging's form. */
export interface TraceContext {
  /** `projects/<project>/traces/<32 hex>` */
  trace: string;
  /** 16 hex digits. */
  spanId?: string;
  sampled?: boolean;
}

/**
 * Parses `X-Cloud-Trace-Context: TRACE_ID[/SPAN_ID][;o=OPTIONS]` (set by Google's load balancers).
 * The span id arrives in decimal; Cloud Logging wants it as 16 hex digits. Without a project id
 * the trace resource name cannot be built, so no trace is returned.
 */
export function traceFromHeader(header: string | string[] | undefined, projectId: string | undefined): TraceContext | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !projectId) return undefined;
  const match = /^([0-9a-fA-F]{32})(?:\/(\d{1,20}))?(?:;o=([01]))?$/.exec(value.trim());
  if (!match) return undefined;
  const [, traceId, spanDecimal, option] = match;
  const context: TraceContext = { trace: `projects/${projectId}/traces/${traceId!.toLowerCase()}` };
  if (spanDecimal !== undefined && BigInt(spanDecimal) < 2n ** 64n) context.spanId = BigInt(spanDecimal).toString(16).padStart(16, '0');
  if (option !== undefined) context.sampled = option === '1';
  return context;
}

/** The special JSON fields carrying a trace context on a log line. */
export function traceFields(trace: TraceContext): Record<string, string | boolean> {
  return {
    [TRACE_KEY]: trace.trace,
    ...(trace.spanId ? { [SPAN_ID_KEY]: trace.spanId } : {}),
    ...(trace.sampled !== undefined ? { [TRACE_SAMPLED_KEY]: trace.sampled } : {}),
  };
}
