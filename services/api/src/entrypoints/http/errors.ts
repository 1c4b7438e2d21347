/** Maps domain errors to HTTP: one status per error class, one JSON shape for the API. */
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../../domain/errors.js';

const STATUS: Record<DomainError['code'], number> = {
  validation: 422,
  'not-found': 404,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function describeError(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof DomainError) {
    return { status: STATUS[err.code], body: { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } } };
  }
  // lusca passes a plain Error for a bad token (it sets 403 on the response itself).
  if (err instanceof Error && /^CSRF token (missing|mismatch)$/.test(err.message)) {
    return { status: 403, body: { error: { code: 'csrf', message: `${err.message}: reload the page and try again (API clients send the token from GET /api/v1/session as x-csrf-token)` } } };
  }
  const status = (err as { status?: number } | undefined)?.status;
  if (status && status >= 400 && status < 500) {
    // body-parser and similar: their message is meant for the client.
    return { status, body: { error: { code: 'bad-request', message: (err as Error).message } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Internal error; the details are in the server log' } } };
}

export function apiErrorHandler(log: Pick<Console, 'error'>) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const { status, body } = describeError(err);
    if (status >= 500) log.error(`${req.method} ${req.originalUrl}: ${(err as Error)?.stack ?? String(err)}`);
    res.status(status).json(body);
  };
}
