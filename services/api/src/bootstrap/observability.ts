/**
 * Wires logs and metrics into the control plane without touching domain logic: the execution
 * and audit repositories are wrapped so every state change the domain writes is also counted in
 * Prometheus (exactly once: a transition the database refuses returns null and records nothing)
 * and every audit event also goes to the structured log.
 */
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../adapters/logs/logger.js';
import type { ControlPlaneMetrics, ExecutionOutcome } from '../adapters/metrics/metrics.js';
import { EXECUTION_OUTCOMES } from '../adapters/metrics/metrics.js';
import type { AuditRepository, ExecutionRepository } from '../domain/ports.js';
import type { Execution } from '../domain/model.js';

/** Every secret value the configuration carries, for the logger's redaction. */
export function configSecrets(config: Config): string[] {
  const secrets = [config.sessionSecret, config.oidc?.clientSecret ?? ''];
  try {
    const password = decodeURIComponent(new URL(config.databaseUrl).password);
    if (password) secrets.push(password);
  } catch {
    // not a URL: loadConfig already refused it
  }
  return secrets.filter((s) => s.length > 0);
}

export function createControlPlaneLogger(config: Config, write?: (line: string) => void): Logger {
  return createLogger({
    labels: { etl_monitor_component: 'api' },
    secrets: configSecrets(config),
    ...(write ? { write } : {}),
  });
}

/** The structured logger (as opposed to a plain console-like sink some tests pass). */
export function isLogger(log: object): log is Logger {
  return typeof (log as Partial<Logger>).emit === 'function' && typeof (log as Partial<Logger>).child === 'function';
}

const isOutcome = (status: string): status is ExecutionOutcome => (EXECUTION_OUTCOMES as readonly string[]).includes(status);

/** Counts a row that just reached a final state. */
function recordFinished(metrics: ControlPlaneMetrics, row: Execution): void {
  if (!isOutcome(row.status)) return;
  const durationSeconds = row.startedAt && row.finishedAt ? (row.finishedAt.getTime() - row.startedAt.getTime()) / 1000 : null;
  metrics.executionFinished({
    status: row.status,
    trigger: row.trigger,
    scheduleId: row.scheduleId,
    durationSeconds,
    rowsWritten: row.rowsWritten === null ? null : Number(row.rowsWritten),
  });
}

/**
 * The execution repository with metrics on its writes: `running` with a start time → started
 * (start lag for scheduled runs); any final status reached by insert or transition → finished.
 */
export function withExecutionMetrics(repository: ExecutionRepository, metrics: ControlPlaneMetrics): ExecutionRepository {
  return {
    get: (id) => repository.get(id),
    findByRuntimeName: (name) => repository.findByRuntimeName(name),
    findActiveForSchedule: (scheduleId) => repository.findActiveForSchedule(scheduleId),
    listActive: () => repository.listActive(),
    list: (filter) => repository.list(filter),
    async insert(execution) {
      const row = await repository.insert(execution);
      if (row.status === 'running' && row.startedAt) metrics.executionStarted({ scheduledFor: row.scheduledFor, startedAt: row.startedAt });
      recordFinished(metrics, row);
      return row;
    },
    async transition(id, from, patch) {
      const row = await repository.transition(id, from, patch);
      if (!row) return row;
      if (patch.status === 'running' && row.startedAt) metrics.executionStarted({ scheduledFor: row.scheduledFor, startedAt: row.startedAt });
      // `from` holds only active states in the domain, so a final status here is reached once.
      if (patch.status && isOutcome(patch.status)) recordFinished(metrics, row);
      return row;
    },
  };
}

/** The audit repository that also writes each event to the log (NOTICE; refusals and failures WARNING). */
export function withAuditLog(repository: AuditRepository, log: Logger): AuditRepository {
  return {
    list: (filter) => repository.list(filter),
    async record(event) {
      await repository.record(event);
      log.log(event.outcome === 'success' ? 'NOTICE' : 'WARNING', `audit: ${event.actor} ${event.action} ${event.targetType}${event.targetId ? ` ${event.targetId}` : ''} (${event.outcome})`, {
        audit: { actor: event.actor, action: event.action, targetType: event.targetType, targetId: event.targetId, outcome: event.outcome, details: event.details },
      });
    },
  };
}
