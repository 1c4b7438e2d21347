/**
 * Extractor exit codes. Kubernetes can act on them (Job `podFailurePolicy`): permanent errors
 * fail the Job at once, transient ones may be retried, a stop is neither.
 * Values follow sysexits.h where one fits so operators recognise them.
 */
import type { ErrorKind } from './summary.js';

export const EXIT = {
  ok: 0,
  /** Bad input that a retry cannot fix: data, SQL, schema conflict, refused by destination. EX_DATAERR. */
  permanent: 65,
  /** Internal error (a bug). EX_SOFTWARE. */
  internal: 70,
  /** Transient: unreachable, connection lost, destination 5xx. May be retried. EX_TEMPFAIL. */
  transient: 75,
  /** Configuration: job spec, credentials, wire encryption, unknown database. EX_CONFIG. */
  config: 78,
  /** Stopped by SIGTERM (128 + 15). */
  stopped: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function exitCodeFor(kind: ErrorKind): ExitCode {
  switch (kind) {
    case 'config':
    case 'auth':
    case 'wire-encryption':
    case 'unknown-database':
      return EXIT.config;
    case 'unreachable':
    case 'connection-lost':
    case 'destination-transient':
      return EXIT.transient;
    case 'internal':
      return EXIT.internal;
    default:
      return EXIT.permanent;
  }
}

/** Exit codes after which a retry cannot help (used for podFailurePolicy and local retries). */
export const NON_RETRYABLE_EXIT_CODES: readonly number[] = [EXIT.permanent, EXIT.config, EXIT.internal];
