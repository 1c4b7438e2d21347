/**
 * Errors from @kubernetes/client-node 1.x: an `ApiException` with `.code` and the server's Status
 * as `.body` (object or JSON text), or a node-fetch error for network trouble. We turn both into
 * one readable error that names the operation, and never include request bodies (they may hold
 * job specs; Secrets never leave secret-writer.ts in an error).
 */

export class KubernetesApiError extends Error {
  override name = 'KubernetesApiError';
  constructor(
    message: string,
    /** HTTP status; undefined for network errors. */
    readonly status: number | undefined,
    /** Kubernetes Status reason, e.g. Forbidden, AlreadyExists, Conflict. */
    readonly reason: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function statusOf(error: unknown): number | undefined {
  if (error instanceof KubernetesApiError) return error.status;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function statusBody(error: unknown): { message?: string; reason?: string } {
  const body = (error as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as { message?: string; reason?: string };
    } catch {
      return { message: body.slice(0, 300) };
    }
  }
  return body && typeof body === 'object' ? (body as { message?: string; reason?: string }) : {};
}

/** Wraps any client error: "create Job etl-x-1 in jobs: 403 Forbidden: jobs.batch is forbidden: …". */
export function apiError(operation: string, error: unknown): KubernetesApiError {
  if (error instanceof KubernetesApiError) return error;
  const status = statusOf(error);
  if (status === undefined) {
    const e = error as { code?: string; message?: string };
    return new KubernetesApiError(`${operation}: cannot reach the Kubernetes API (${e.code ?? e.message ?? String(error)})`, undefined, undefined, { cause: error });
  }
  const body = statusBody(error);
  const hint = status === 403 ? ' — check the control plane Role (README "kubernetes" section, RBAC)' : '';
  return new KubernetesApiError(`${operation}: ${status} ${body.reason ?? ''}${body.message ? `: ${body.message}` : ''}${hint}`.replace(/\s+:/, ':'), status, body.reason, { cause: error });
}

export const isNotFound = (error: unknown): boolean => statusOf(error) === 404;
export const isConflict = (error: unknown): boolean => statusOf(error) === 409;
