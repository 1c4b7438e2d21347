/**
 * The one error type the extractor raises on purpose. Every failure that reaches the run summary
 * is an ExtractionError with a kind (jobs/contract summary.ts) that decides the exit code, a
 * message a user can act on, and optionally a hint (the setting to change, the row and column).
 * Messages never contain secrets: they are built from our own words and server texts, never from
 * connection options.
 */
import type { ErrorKind, RunError } from '../../contract/src/summary.js';

export class ExtractionError extends Error {
  override name = 'ExtractionError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toRunError(): RunError {
    return this.hint ? { kind: this.kind, message: this.message, hint: this.hint } : { kind: this.kind, message: this.message };
  }
}

/** Raised when the run was asked to stop (SIGTERM); never reported as a failure. */
export class StopRequested extends Error {
  override name = 'StopRequested';
  constructor() {
    super('the run was stopped (SIGTERM)');
  }
}

/** Anything that is not ours becomes an `internal` error (a bug), keeping its message. */
export function asExtractionError(err: unknown): ExtractionError {
  if (err instanceof ExtractionError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ExtractionError('internal', `internal error: ${message}`, undefined, { cause: err });
}

/** Removes every occurrence of the given secrets from a text (defence in depth for server messages). */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
}
