/**
 * Turns whatever @google-cloud/logging throws (GoogleError with a gRPC code over the REST
 * fallback, an HTTP status, a Node socket error, gax's "Total timeout … exceeded") into one
 * user-readable reason. Callers show the message next to the execution summary.
 */
import type { LogReadFailure, LogReadFailureReason } from './log-reader.js';

/** gRPC status codes (google.rpc.Code) the REST fallback reports in `error.code`. */
const GRPC = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

interface ErrorLike {
  code?: unknown;
  status?: unknown;
  message?: unknown;
  reason?: unknown;
}

function reasonOf(error: ErrorLike): LogReadFailureReason {
  const code = error.code;
  const status = typeof error.status === 'string' ? error.status : '';
  const message = typeof error.message === 'string' ? error.message : '';
  if (code === GRPC.PERMISSION_DENIED || code === 403 || error.status === 403 || status === 'PERMISSION_DENIED' || /PERMISSION_DENIED/.test(message)) {
    return 'permission-denied';
  }
  if (code === GRPC.UNAUTHENTICATED || code === 401 || error.status === 401 || status === 'UNAUTHENTICATED' || /UNAUTHENTICATED/.test(message)) {
    return 'unauthenticated';
  }
  if (
    code === GRPC.UNAVAILABLE ||
    code === GRPC.DEADLINE_EXCEEDED ||
    code === GRPC.RESOURCE_EXHAUSTED ||
    code === GRPC.INTERNAL ||
    code === 429 ||
    code === 500 ||
    code === 502 ||
    code === 503 ||
    code === 504 ||
    (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) ||
    /Total timeout of API .* exceeded|UNAVAILABLE|DEADLINE_EXCEEDED|socket hang up/i.test(message)
  ) {
    return 'unavailable';
  }
  if (code === GRPC.INVALID_ARGUMENT || code === GRPC.NOT_FOUND || code === 400 || code === 404) return 'invalid-request';
  return 'failed';
}

/**
 * The API's own explanation: over the REST fallback the error message is the JSON error body
 * (`{"error":{"code":503,"message":"…","status":"UNAVAILABLE"}}`); otherwise the first line of
 * the library's message, without the stack or request dump some errors carry.
 */
function shortMessage(error: ErrorLike): string {
  const text = typeof error.message === 'string' ? error.message : String(error);
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message.slice(0, 300);
  } catch {
    // not a JSON body: use the text itself
  }
  return text.split('\n')[0]!.slice(0, 300);
}

export function classifyLogReadError(error: unknown, projectId: string): LogReadFailure {
  const errorLike: ErrorLike = typeof error === 'object' && error !== null ? (error as ErrorLike) : { message: String(error) };
  const reason = reasonOf(errorLike);
  switch (reason) {
    case 'permission-denied':
      return {
        ok: false,
        reason,
        message: `Cloud Logging refused to list entries in project ${projectId}: the control plane's service account lacks roles/logging.viewer.`,
      };
    case 'unauthenticated':
      return {
        ok: false,
        reason,
        message: `Cloud Logging rejected the control plane's credentials: check its Workload Identity binding (or Application Default Credentials).`,
      };
    case 'unavailable':
      return { ok: false, reason, message: `Cloud Logging is unavailable or did not answer in time (${shortMessage(errorLike)}); try again shortly.` };
    case 'invalid-request':
      return { ok: false, reason, message: `Cloud Logging rejected the log query for project ${projectId}: ${shortMessage(errorLike)}` };
    default:
      return { ok: false, reason, message: `Reading logs from Cloud Logging failed: ${shortMessage(errorLike)}` };
  }
}
