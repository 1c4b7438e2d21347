/**
 * The one shape every log source (captured local output, pod log, Cloud Logging) is mapped to,
 * so the execution page, the REST API and the CLI show lines the same way whatever produced them.
 */
import { SEVERITIES, type Severity } from '../../../../../jobs/contract/src/log-entry.js';

export type { Severity };

export interface LogLine {
  /** RFC 3339 timestamp; empty when the source line carried none (plain text on stdout). */
  time: string;
  severity: Severity;
  message: string;
  /** Structured fields of the line other than severity/message/time/labels/trace (progress counters, …). */
  fields?: Record<string, unknown>;
}

/**
 * Cloud Logging knows nine severities; the product shows the six of the job contract. The extra
 * ones fold onto the nearest: DEFAULT (a line written without one) reads as INFO, ALERT and
 * EMERGENCY as CRITICAL. The API may send the enum name or its number (LogSeverity proto values).
 */
const SEVERITY_ALIASES: Readonly<Record<string, Severity>> = {
  DEFAULT: 'INFO',
  DEBUG: 'DEBUG',
  INFO: 'INFO',
  NOTICE: 'NOTICE',
  WARNING: 'WARNING',
  WARN: 'WARNING',
  ERROR: 'ERROR',
  CRITICAL: 'CRITICAL',
  ALERT: 'CRITICAL',
  EMERGENCY: 'CRITICAL',
  '0': 'INFO',
  '100': 'DEBUG',
  '200': 'INFO',
  '300': 'NOTICE',
  '400': 'WARNING',
  '500': 'ERROR',
  '600': 'CRITICAL',
  '700': 'CRITICAL',
  '800': 'CRITICAL',
};

/** Maps any severity spelling (name in any case, proto number, missing) to a contract severity. */
export function normalizeSeverity(value: unknown): Severity {
  if (typeof value !== 'string' && typeof value !== 'number') return 'INFO';
  return SEVERITY_ALIASES[String(value).trim().toUpperCase()] ?? 'INFO';
}

/** True when `severity` is at least `minimum` (no minimum: everything passes). */
export function severityAtLeast(severity: Severity, minimum: Severity | undefined): boolean {
  return minimum === undefined || SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(minimum);
}

/** Parses a user-supplied severity filter (query string, CLI flag); throws a clear error otherwise. */
export function parseSeverityFilter(value: string): Severity {
  const upper = value.trim().toUpperCase();
  if ((SEVERITIES as readonly string[]).includes(upper)) return upper as Severity;
  throw new Error(`unknown severity "${value}": use one of ${SEVERITIES.join(', ')}`);
}
