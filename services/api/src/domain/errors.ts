/**
 * Domain errors. Entry points map them to HTTP status codes / CLI exit codes; their messages are
 * written for the person who caused them and never contain a secret.
 */
export abstract class DomainError extends Error {
  abstract readonly code: 'validation' | 'not-found' | 'conflict' | 'forbidden' | 'unavailable';
  constructor(message: string, readonly details?: Record<string, unknown>) {
    super(message);
  }
}

/** Input that breaks a rule (bad cron, unknown zone, missing field). */
export class ValidationError extends DomainError {
  override name = 'ValidationError';
  readonly code = 'validation' as const;
  constructor(message: string, readonly field?: string) {
    super(message, field ? { field } : undefined);
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  readonly code = 'not-found' as const;
}

/** The state of things refuses the request (a run is already active, the item is in use). */
export class ConflictError extends DomainError {
  override name = 'ConflictError';
  readonly code = 'conflict' as const;
}

export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  readonly code = 'forbidden' as const;
}

/** A dependency (runtime, secret store) failed; the request may succeed later. */
export class UnavailableError extends DomainError {
  override name = 'UnavailableError';
  readonly code = 'unavailable' as const;
}
