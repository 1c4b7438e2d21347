/**
 * Prometheus metrics of the control plane (GET /metrics). One registry per control plane (not
 * prom-client's global one) so tests and several app instances in one process do not collide.
 *
 * Our metrics are prefixed `etl_monitor_`; the default process/Node.js metrics keep their standard
 * names (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`, …) so stock dashboards and
 * alerts work unchanged.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Trigger } from '../../domain/runtime/runtime.js';

export const METRIC_PREFIX = 'etl_monitor_';

/** The states an execution ends in. */
export const EXECUTION_OUTCOMES = ['succeeded', 'failed', 'stopped', 'missed', 'skipped'] as const;
export type ExecutionOutcome = (typeof EXECUTION_OUTCOMES)[number];
const TRIGGERS: readonly Trigger[] = ['scheduled', 'manual'];

/** `schedule` label value of runs that belong to no schedule (ad-hoc runs). */
export const NO_SCHEDULE_LABEL = 'none';

/**
 * Run durations: a BigQuery load job alone takes 5–30 s, typical loads minutes, large tables
 * hours (maxRuntimeSeconds allows more). Edges sit on durations people alert on (1, 5, 15, 30 min,
 * 1, 2, 4 h) so "p95 above 30 minutes" is an exact bucket boundary.
 */
export const DURATION_BUCKETS_SECONDS = [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400];

/**
 * Rows written: decades from lookup tables to billion-row facts. A 0 bucket of its own, because
 * a run that loaded nothing is usually the interesting case (source empty, wrong watermark).
 */
export const ROWS_BUCKETS = [0, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/**
 * Scheduled time → extractor start: a warm node starts a pod in 1–5 s, an image pull adds
 * 10–30 s, a node from the cluster autoscaler 1–3 min. Above startingDeadlineSeconds (≥ 60 s,
 * DESIGN §4) a run risks being missed, so the buckets are dense below 2 min and sparse above.
 */
export const START_LAG_BUCKETS_SECONDS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

export interface ExecutionFinishedEvent {
  status: ExecutionOutcome;
  trigger: Trigger;
  scheduleId: number | string | null;
  /** startedAt → finishedAt; absent for executions that never ran (missed, skipped). */
  durationSeconds?: number | null;
  rowsWritten?: number | null;
}

export interface ExecutionStartedEvent {
  /** The cron slot; absent for manual runs, which then record no start lag. */
  scheduledFor?: Date | null;
  /** When the extractor started (its pod's container start, or the local child's spawn). */
  startedAt: Date;
}

export interface ControlPlaneMetrics {
  readonly registry: Registry;
  executionStarted(event: ExecutionStartedEvent): void;
  executionFinished(event: ExecutionFinishedEvent): void;
  reconcileError(): void;
  watchRestart(): void;
  setLeader(isLeader: boolean): void;
  /** Body and Content-Type for GET /metrics. */
  expose(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  /** Process and Node.js runtime metrics (CPU, memory, event loop lag, GC). Default true. */
  defaultMetrics?: boolean;
}

const scheduleLabel = (scheduleId: number | string | null): string => (scheduleId === null ? NO_SCHEDULE_LABEL : String(scheduleId));

export function createMetrics(options: MetricsOptions = {}): ControlPlaneMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const executions = new Counter({
    name: `${METRIC_PREFIX}executions_total`,
    help: 'Executions that reached a final state, by final status and trigger.',
    labelNames: ['status', 'trigger'] as const,
    registers: [registry],
  });
  // Every series exists from the start at 0, so rate() and absent-series alerts work before the first run.
  for (const status of EXECUTION_OUTCOMES) for (const trigger of TRIGGERS) executions.labels({ status, trigger }).inc(0);

  const duration = new Histogram({
    name: `${METRIC_PREFIX}execution_duration_seconds`,
    help: 'Run time of executions from extractor start to finish, by schedule id.',
    labelNames: ['schedule'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [registry],
  });
  const rows = new Histogram({
    name: `${METRIC_PREFIX}execution_rows`,
    help: 'Rows written to the destination per finished execution, by schedule id.',
    labelNames: ['schedule'] as const,
    buckets: ROWS_BUCKETS,
    registers: [registry],
  });
  const startLag = new Histogram({
    name: `${METRIC_PREFIX}execution_start_lag_seconds`,
    help: 'Delay from the scheduled time to the extractor start, scheduled executions only.',
    buckets: START_LAG_BUCKETS_SECONDS,
    registers: [registry],
  });
  const reconcileErrors = new Counter({
    name: `${METRIC_PREFIX}reconcile_errors_total`,
    help: 'Reconcile passes (schedules → CronJobs) that failed.',
    registers: [registry],
  });
  const watchRestarts = new Counter({
    name: `${METRIC_PREFIX}watch_restarts_total`,
    help: 'Times a Job/Pod watch was restarted after it ended or failed (including 410 Gone re-lists).',
    registers: [registry],
  });
  const leader = new Gauge({
    name: `${METRIC_PREFIX}leader`,
    help: '1 while this replica holds the leader lease (reconciles and watches), else 0; always 1 with the local runtime.',
    registers: [registry],
  });
  leader.set(0);

  return {
    registry,
    executionStarted({ scheduledFor, startedAt }) {
      if (!scheduledFor) return;
      // Clocks of node and control plane can disagree by a little: a negative lag counts as 0.
      startLag.observe(Math.max(0, (startedAt.getTime() - scheduledFor.getTime()) / 1000));
    },
    executionFinished({ status, trigger, scheduleId, durationSeconds, rowsWritten }) {
      executions.labels({ status, trigger }).inc();
      const schedule = scheduleLabel(scheduleId);
      if (durationSeconds !== undefined && durationSeconds !== null) duration.labels({ schedule }).observe(Math.max(0, durationSeconds));
      if (rowsWritten !== undefined && rowsWritten !== null) rows.labels({ schedule }).observe(rowsWritten);
    },
    reconcileError: () => reconcileErrors.inc(),
    watchRestart: () => watchRestarts.inc(),
    setLeader: (isLeader) => leader.set(isLeader ? 1 : 0),
    async expose() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
