/**
 * Exit codes of `etl-monitor`, stable so scripts can branch on them (documented in the README and
 * in `etl-monitor --help`). HTTP outcomes map to one code each; a followed run maps its final
 * status.
 */
import type { ExecutionStatus } from '../../../domain/model.js';

export const EXIT = {
  ok: 0,
  /** Unexpected failure, or the control plane answered 5xx. */
  error: 1,
  /** Bad command line (unknown command/option, missing argument). */
  usage: 2,
  /** No URL/token configured, or the token was refused (401). */
  unauthenticated: 3,
  /** Your role or grants do not allow it (403). */
  forbidden: 4,
  /** No such schedule/execution/… (404). */
  notFound: 5,
  /** The input breaks a rule (400/422) or conflicts with the current state (409, e.g. already running). */
  invalid: 6,
  /** The control plane cannot be reached, or is unavailable (503). */
  unreachable: 7,
  /** A followed run ended failed. */
  runFailed: 10,
  /** A followed run was stopped. */
  runStopped: 11,
  /** A followed run ended missed or skipped (it never ran). */
  runNotRun: 12,
  /** Configuration error of `serve`/`migrate` (EX_CONFIG). */
  config: 78,
} as const;

export function exitForStatus(status: number): number {
  if (status === 401) return EXIT.unauthenticated;
  if (status === 403) return EXIT.forbidden;
  if (status === 404) return EXIT.notFound;
  if (status === 400 || status === 409 || status === 413 || status === 422) return EXIT.invalid;
  if (status === 502 || status === 503 || status === 504) return EXIT.unreachable;
  return EXIT.error;
}

export function exitForRun(status: ExecutionStatus): number {
  switch (status) {
    case 'succeeded':
      return EXIT.ok;
    case 'stopped':
      return EXIT.runStopped;
    case 'missed':
    case 'skipped':
      return EXIT.runNotRun;
    default:
      return EXIT.runFailed;
  }
}

/** The epilogue of `etl-monitor --help`. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0 success (a followed run succeeded)   1 unexpected error / server error   2 usage error',
  '  3 not signed in or token refused        4 forbidden                         5 not found',
  '  6 invalid input or conflict             7 control plane unreachable',
  '  10 followed run failed                11 followed run stopped              12 followed run missed/skipped',
  '  78 configuration error (serve, migrate)',
].join('\n');
