/**
 * The REST API (/api/v1) as the CLI uses it: bearer token, JSON in and out, and every failure as
 * a CliError carrying the API's `{ error: { code, message } }` and the exit code for its status.
 */
import { EXIT, exitForStatus } from './exit-codes.js';
import { CliError, type ClientSettings } from './settings.js';

export type Query = Record<string, string | number | boolean | undefined>;

export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message, exitForStatus(status));
  }
}

export interface ApiClient {
  readonly url: string;
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

export function createApiClient(settings: ClientSettings, fetchImpl: typeof fetch = fetch): ApiClient {
  const call = async <T>(method: string, path: string, query?: Query, body?: unknown): Promise<T> => {
    const url = new URL(`${settings.url}/api/v1${path}`);
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method,
        headers: { authorization: `Bearer ${settings.token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach the control plane at ${settings.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, EXIT.unreachable);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'bad-response', `${method} ${url.pathname}: HTTP ${res.status}, not JSON (is ${settings.url} an ETL Monitor?)`);
    }
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(res.status, error?.code ?? 'http', error?.message ?? `HTTP ${res.status}`);
    }
    return parsed as T;
  };
  return {
    url: settings.url,
    get: (path, query) => call('GET', path, query),
    post: (path, body) => call('POST', path, undefined, body ?? {}),
    put: (path, body) => call('PUT', path, undefined, body),
    delete: (path) => call('DELETE', path),
  };
}
