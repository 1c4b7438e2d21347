/**
 * Runs: start (manual or scheduled), stop, and the bookkeeping of what the runtime observes.
 *
 * The overlap rule ("never two runs of one schedule at once") is enforced by the database: an
 * execution is inserted as `pending` before anything starts, and a partial unique index refuses a
 * second pending/running row for the same schedule, whichever process or replica tries.
 */
import { ERROR_KIND_LABELS, type RunSummary } from '../../../../../jobs/contract/src/summary.js';
import { authorize, SCHEDULER, type Actor } from '../auth/actor.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { found } from '../catalog/catalog-service.js';
import { ConflictError, UnavailableError } from '../errors.js';
import { ACTIVE_STATUSES, isActive, type Execution, type ExecutionStatus, type Schedule } from '../model.js';
import { ActiveRunExistsError, DuplicateSlotError, type ExecutionFilter, type ExecutionRepository, type NewExecution, type ScheduleRepository } from '../ports.js';
import type { RunHandle, RunObservation, Runtime } from '../runtime/runtime.js';
import { integer, type Input } from '../validation.js';
import { DEFAULT_MAX_RUNTIME_SECONDS, type RunParts, type RunTemplateBuilder } from './run-template.js';
import { ago } from './elapsed.js';
import { assertUsable } from '../permissions/permission-service.js';
import { seesRun, visibleOr404, type VisibilityOf } from '../permissions/visibility.js';

/** What a run is of: a schedule, or catalog items picked by hand (ad hoc: no schedule, no overlap lock). */
interface RunTarget {
  schedule: Schedule | null;
  sourceId: number;
  scriptId: number;
  destinationId: number;
  maxRuntimeSeconds: number;
}

interface RunFacts {
  trigger: Execution['trigger'];
  triggeredBy: string;
  scheduledFor: Date | null;
}

const targetOf = (schedule: Schedule): RunTarget => ({
  schedule,
  sourceId: schedule.sourceId,
  scriptId: schedule.scriptId,
  destinationId: schedule.destinationId,
  maxRuntimeSeconds: schedule.maxRuntimeSeconds,
});

export interface ExecutionServiceOptions {
  /** The actor's grants (PermissionService.visibility). */
  visibilityOf: VisibilityOf;
  clock?: () => Date;
  /** Where unexpected failures while handling observations go (they must never crash the process). */
  onError?: (err: unknown, context: string) => void;
}

/**
 * How long a stop waits for the run's final status: the extractor writes its summary at most 8 s
 * after SIGTERM (STOP_DEADLINE_MS in jobs/extract/src/main.ts), then the runtime records it. The
 * 5 s this used to be returned a run still `running` on a loaded machine (a Firebird query being
 * cancelled), so the page said "(status running)" and lost its message when the run then ended.
 */
const STOP_SETTLE_MS = 12_000;

export class ExecutionService {
  private readonly clock: () => Date;
  private readonly onError: (err: unknown, context: string) => void;
  private readonly visibilityOf: VisibilityOf;

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly schedules: ScheduleRepository,
    private readonly templates: RunTemplateBuilder,
    private readonly runtime: Runtime,
    private readonly audit: AuditTrail,
    options: ExecutionServiceOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.visibilityOf = options.visibilityOf;
    this.onError = options.onError ?? ((err, context) => console.error(`execution service: ${context}`, err));
  }

  /** Executions whose source, script and destination are all granted (admins: all). */
  async list(actor: Actor, filter: ExecutionFilter): Promise<Execution[]> {
    authorize(actor, 'read');
    return this.executions.list({ ...filter, visibility: await this.visibilityOf(actor) });
  }

  /** An execution the actor may not see is "not found", exactly like one that does not exist. */
  async get(actor: Actor, id: number): Promise<Execution> {
    authorize(actor, 'read');
    const visibility = await this.visibilityOf(actor);
    return visibleOr404(await this.executions.get(id), (e) => seesRun(visibility, e), 'Execution', id);
  }

  /** "Run now" on a schedule. Refused with a ConflictError naming the active run when one exists. */
  async runSchedule(actor: Actor, scheduleId: number): Promise<Execution> {
    const visibility = await this.visibilityOf(actor);
    const schedule = visibleOr404(await this.schedules.get(scheduleId), (s) => seesRun(visibility, s), 'Schedule', scheduleId);
    await this.audit.authorize(actor, 'execution.run', { action: 'execution.run', targetType: 'schedule', targetId: scheduleId });
    try {
      return await this.start(targetOf(schedule), { trigger: 'manual', triggeredBy: actor.email, scheduledFor: null }, actor);
    } catch (err) {
      if (err instanceof ConflictError) {
        await this.audit.record(actor, { action: 'execution.run', targetType: 'schedule', targetId: scheduleId, outcome: 'refused', details: { reason: err.message } });
      }
      throw err;
    }
  }

  /**
   * A manual run of a source + script + destination picked by hand. Ad-hoc runs belong to no
   * schedule, so no overlap lock applies.
   */
  async runAdHoc(actor: Actor, input: Input): Promise<Execution> {
    await this.audit.authorize(actor, 'execution.run', { action: 'execution.run', targetType: 'execution', details: { adHoc: true } });
    const target: RunTarget = {
      schedule: null,
      sourceId: integer(input, 'sourceId', 'Source', { min: 1, max: 2147483647 }),
      scriptId: integer(input, 'scriptId', 'Script', { min: 1, max: 2147483647 }),
      destinationId: integer(input, 'destinationId', 'Destination', { min: 1, max: 2147483647 }),
      maxRuntimeSeconds: integer(input, 'maxRuntimeSeconds', 'Maximum run time (seconds)', { min: 10, max: 7 * 24 * 3600, fallback: DEFAULT_MAX_RUNTIME_SECONDS }),
    };
    assertUsable(await this.visibilityOf(actor), target);
    return this.start(target, { trigger: 'manual', triggeredBy: actor.email, scheduledFor: null }, actor);
  }

  async stop(actor: Actor, id: number): Promise<Execution> {
    const execution = await this.get(actor, id);
    await this.audit.authorize(actor, 'execution.stop', { action: 'execution.stop', targetType: 'execution', targetId: id });
    if (!isActive(execution.status)) {
      throw new ConflictError(`Execution ${id} is not running (status ${execution.status})`);
    }
    await this.audit.record(actor, { action: 'execution.stop', targetType: 'execution', targetId: id, details: { scheduleId: execution.scheduleId, runtimeName: execution.runtimeName } });
    if (!execution.runtimeName || !execution.runtimeUid) {
      // Not handed to the runtime yet: nothing to terminate, the row alone records the stop.
      await this.executions.transition(id, ACTIVE_STATUSES, { status: 'stopped', finishedAt: this.clock(), stoppedBy: actor.email, error: `Stopped by ${actor.email} before it started` });
    } else {
      // Named before the runtime is told: its `finished` observation may be recorded by another replica.
      await this.executions.transition(id, ACTIVE_STATUSES, { stoppedBy: actor.email });
      const outcome = await this.runtime.stop({ name: execution.runtimeName, uid: execution.runtimeUid });
      if (!outcome.terminated) {
        throw new UnavailableError(`Stop of execution ${id} was requested but the run is still alive: ${outcome.detail ?? 'no detail'}`);
      }
    }
    return this.settled(id);
  }

  /**
   * The row once the runtime's `finished` observation has been recorded (it arrives just after the
   * process is gone), so the caller sees the final status; after {@link STOP_SETTLE_MS}, the row as it is.
   */
  private async settled(id: number, timeoutMs = STOP_SETTLE_MS): Promise<Execution> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const execution = found(await this.executions.get(id), 'Execution', id);
      if (!isActive(execution.status) || Date.now() > deadline) return execution;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async readLogs(actor: Actor, id: number, sinceLine = 0): Promise<string[]> {
    const execution = await this.get(actor, id);
    if (!execution.runtimeName || !execution.runtimeUid) return [];
    return this.runtime.readLogs({ name: execution.runtimeName, uid: execution.runtimeUid }, { sinceLine });
  }

  /** Entry point for everything the runtime reports. Idempotent; never throws. */
  async observe(observation: RunObservation): Promise<void> {
    try {
      switch (observation.type) {
        case 'due':
          return await this.onDue(Number(observation.scheduleId), observation.scheduledFor);
        case 'running':
          return await this.onRunning(observation);
        case 'finished':
          return await this.onFinished(observation);
        case 'missed':
          return await this.recordSlot(Number(observation.scheduleId), observation.scheduledFor, 'missed', observation.reason);
      }
    } catch (err) {
      this.onError(err, `handling ${observation.type} observation`);
    }
  }

  /**
   * After a restart: executions left `pending` that never reached the runtime can no longer start.
   * (Runs that did start are settled by the runtime's own recovery, which reports them finished.)
   */
  async failNeverStarted(): Promise<number> {
    const stuck = (await this.executions.listActive()).filter((e) => e.status === 'pending' && !e.runtimeName);
    for (const execution of stuck) {
      await this.executions.transition(execution.id, ['pending'], {
        status: 'failed',
        finishedAt: this.clock(),
        error: 'The control plane stopped before this run was started; run it again',
      });
    }
    return stuck.length;
  }

  private async onDue(scheduleId: number, scheduledFor: Date): Promise<void> {
    const schedule = await this.schedules.get(scheduleId);
    if (!schedule || !schedule.active) return;
    try {
      await this.start(targetOf(schedule), { trigger: 'scheduled', triggeredBy: SCHEDULER.email, scheduledFor }, SCHEDULER);
    } catch (err) {
      if (err instanceof DuplicateSlotError) return; // this firing was already handled
      if (!(err instanceof ConflictError)) throw err;
      await this.recordSlot(scheduleId, scheduledFor, 'skipped', err.message);
    }
  }

  private async start(target: RunTarget, run: RunFacts, actor: Actor): Promise<Execution> {
    const { schedule } = target;
    const parts = await this.templates.parts(target);
    const template = this.templates.template(parts, {
      ...(schedule ? { scheduleId: schedule.id, scheduleName: schedule.name } : {}),
      maxRuntimeSeconds: target.maxRuntimeSeconds,
    });
    const execution = await this.insertPending(target, run, parts);
    let handle: RunHandle;
    try {
      handle = await this.runtime.runNow({
        executionId: String(execution.id),
        scheduleId: schedule ? String(schedule.id) : null,
        trigger: run.trigger,
        triggeredBy: run.triggeredBy,
        ...(run.scheduledFor ? { scheduledFor: run.scheduledFor } : {}),
        template,
      });
    } catch (err) {
      const message = `The runtime could not start the run: ${(err as Error).message}`;
      await this.executions.transition(execution.id, ACTIVE_STATUSES, { status: 'failed', finishedAt: this.clock(), error: message });
      await this.audit.record(actor, { action: 'execution.run', targetType: 'execution', targetId: execution.id, outcome: 'failure', details: { scheduleId: schedule?.id ?? null, error: message } });
      throw new UnavailableError(message);
    }
    // The runtime may already have reported the run running or even finished: only fill gaps.
    await this.executions.transition(execution.id, ['pending'], { status: 'running', runtimeName: handle.name, runtimeUid: handle.uid, startedAt: this.clock() });
    await this.executions.transition(execution.id, ACTIVE_STATUSES, { runtimeName: handle.name, runtimeUid: handle.uid });
    await this.audit.record(actor, { action: 'execution.run', targetType: 'execution', targetId: execution.id, details: { scheduleId: schedule?.id ?? null, trigger: run.trigger, runtimeName: handle.name } });
    return (await this.executions.get(execution.id))!;
  }

  private async insertPending(target: RunTarget, run: RunFacts, parts: RunParts): Promise<Execution> {
    try {
      return await this.executions.insert(this.newRow(target, { ...run, status: 'pending' }, parts));
    } catch (err) {
      const schedule = target.schedule;
      if (!(err instanceof ActiveRunExistsError) || !schedule) throw err;
      const active = await this.executions.findActiveForSchedule(schedule.id);
      // Zone-free (the domain does not know the reader's zone): how long ago, by the service clock.
      const since = active ? ` (execution ${active.id}, ${active.startedAt ? 'started' : 'queued'} ${ago(this.clock().getTime() - (active.startedAt ?? active.createdAt).getTime())})` : '';
      throw new ConflictError(`Schedule "${schedule.name}" is already running${since}; wait for it to finish or stop it first`, {
        scheduleId: schedule.id,
        ...(active ? { executionId: active.id } : {}),
      });
    }
  }

  /**
   * `parts`, when known, puts the source, script and destination names in `params`: the ids
   * become null when an item is deleted, and an ad-hoc run has no schedule to tell what it ran.
   */
  private newRow(target: RunTarget, run: RunFacts & { status: ExecutionStatus }, parts?: RunParts): NewExecution {
    const { schedule } = target;
    return {
      scheduleId: schedule?.id ?? null,
      sourceId: target.sourceId,
      scriptId: target.scriptId,
      destinationId: target.destinationId,
      trigger: run.trigger,
      triggeredBy: run.triggeredBy,
      runtimeName: null,
      runtimeUid: null,
      status: run.status,
      scheduledFor: run.scheduledFor,
      startedAt: null,
      finishedAt: null,
      rowsRead: null,
      rowsWritten: null,
      error: null,
      stoppedBy: null,
      params: {
        ...(schedule ? { schedule: schedule.name, cron: schedule.cron, timeZone: schedule.timeZone } : {}),
        ...(parts ? { source: parts.source.name, script: parts.script.name, destination: parts.destination.name } : {}),
        maxRuntimeSeconds: schedule ? schedule.maxRuntimeSeconds : target.maxRuntimeSeconds,
      },
    };
  }

  /** A firing that did not run (`skipped` behind an active run, `missed` while down): one row per slot. */
  private async recordSlot(scheduleId: number, scheduledFor: Date, status: 'skipped' | 'missed', reason: string): Promise<void> {
    const schedule = await this.schedules.get(scheduleId);
    if (!schedule) return;
    try {
      const row = await this.executions.insert({
        ...this.newRow(targetOf(schedule), { trigger: 'scheduled', triggeredBy: SCHEDULER.email, scheduledFor, status }),
        finishedAt: this.clock(),
        error: reason,
      });
      await this.audit.record(SCHEDULER, { action: `execution.${status}`, targetType: 'execution', targetId: row.id, details: { scheduleId, scheduledFor: scheduledFor.toISOString(), reason } });
    } catch (err) {
      if (!(err instanceof DuplicateSlotError)) throw err;
    }
  }

  private async findObserved(observation: { handle: RunHandle; executionId?: string }): Promise<Execution | null> {
    if (observation.executionId) {
      const byId = await this.executions.get(Number(observation.executionId));
      if (byId) return byId;
    }
    return this.executions.findByRuntimeName(observation.handle.name);
  }

  private async onRunning(observation: Extract<RunObservation, { type: 'running' }>): Promise<void> {
    const execution = await this.findObserved(observation);
    if (!execution) return this.adoptRun(observation);
    await this.executions.transition(execution.id, ['pending'], { status: 'running', startedAt: observation.startedAt });
    if (isActive(execution.status) && !execution.startedAt) {
      await this.executions.transition(execution.id, ACTIVE_STATUSES, { startedAt: observation.startedAt });
    }
    await this.executions.transition(execution.id, ACTIVE_STATUSES, { runtimeName: observation.handle.name, runtimeUid: observation.handle.uid });
  }

  /**
   * A run the runtime started on its own (a CronJob's Job) that we have no row for yet. If the
   * schedule already has an active run, the newcomer breaks the overlap rule: record it as
   * skipped and stop it.
   */
  private async adoptRun(observation: Extract<RunObservation, { type: 'running' }>): Promise<void> {
    if (!observation.scheduleId) return;
    const schedule = await this.schedules.get(Number(observation.scheduleId));
    if (!schedule) return;
    const base = this.newRow(targetOf(schedule), { trigger: 'scheduled', triggeredBy: SCHEDULER.email, scheduledFor: observation.scheduledFor ?? null, status: 'running' });
    const handleFields = { runtimeName: observation.handle.name, runtimeUid: observation.handle.uid, startedAt: observation.startedAt };
    try {
      await this.executions.insert({ ...base, ...handleFields });
    } catch (err) {
      if (err instanceof DuplicateSlotError) return;
      if (!(err instanceof ActiveRunExistsError)) throw err;
      const active = await this.executions.findActiveForSchedule(schedule.id);
      await this.executions.insert({ ...base, ...handleFields, scheduledFor: null, status: 'skipped', finishedAt: this.clock(), error: `Overlapped with execution ${active?.id ?? '?'}; stopped` });
      await this.runtime.stop(observation.handle);
    }
  }

  private async onFinished(observation: Extract<RunObservation, { type: 'finished' }>): Promise<void> {
    const execution = await this.findObserved(observation);
    if (!execution) return;
    const summary = observation.summary;
    const error = errorText(observation.status, summary, observation.reason, execution.stoppedBy);
    const updated = await this.executions.transition(execution.id, ACTIVE_STATUSES, {
      status: observation.status,
      finishedAt: observation.finishedAt,
      startedAt: execution.startedAt ?? (summary ? new Date(summary.startedAt) : observation.finishedAt),
      runtimeName: observation.handle.name,
      runtimeUid: observation.handle.uid,
      rowsRead: summary?.rowsRead ?? null,
      rowsWritten: summary?.rowsWritten ?? null,
      error,
    });
    if (updated) {
      await this.audit.record(SCHEDULER, {
        action: 'execution.finish',
        targetType: 'execution',
        targetId: execution.id,
        outcome: observation.status === 'succeeded' ? 'success' : 'failure',
        // The same text the execution shows, so the audit log says why a run failed or who stopped it.
        details: { status: observation.status, rowsWritten: summary?.rowsWritten ?? null, reason: error },
      });
    }
  }
}

/** The text shown as the execution's error: the extractor's own message first, then the runtime's reason. */
function errorText(status: ExecutionStatus, summary: RunSummary | undefined, reason: string | undefined, stoppedBy: string | null): string | null {
  const stopper = status === 'stopped' && stoppedBy ? `Stopped by ${stoppedBy}` : null;
  const cause = summary?.error
    ? [`${ERROR_KIND_LABELS[summary.error.kind] ?? summary.error.kind}: ${summary.error.message}`, summary.error.hint].filter(Boolean).join(' — ')
    : status === 'succeeded' ? null : reason ?? (status === 'stopped' ? (stopper ? null : 'Stopped') : 'The run ended without a summary');
  return [stopper, cause].filter(Boolean).join(': ') || null;
}
