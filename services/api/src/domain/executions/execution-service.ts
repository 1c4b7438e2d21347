/**
 * Runs: start (manual or scheduled), stop, and the bookkeeping of what the runtime observes.
 *
 * The overlap rule ("never two runs of one schedule at once") is enforced by the database: an
 * execution is inserted as `pending` before anything starts, and a partial unique index refuses a
 * second pending/running row for the same schedule, whichever process or replica tries.
 */
import type { RunSummary } from '../../../../../jobs/contract/src/summary.js';
import { authorize, SCHEDULER, type Actor } from '../auth/actor.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { found } from '../catalog/catalog-service.js';
import { ConflictError, UnavailableError } from '../errors.js';
import { ACTIVE_STATUSES, isActive, type Execution, type ExecutionStatus, type Schedule } from '../model.js';
import { ActiveRunExistsError, DuplicateSlotError, type ExecutionFilter, type ExecutionRepository, type NewExecution, type ScheduleRepository } from '../ports.js';
import type { RunHandle, RunObservation, Runtime } from '../runtime/runtime.js';
import type { RunTemplateBuilder } from './run-template.js';

export interface ExecutionServiceOptions {
  clock?: () => Date;
  /** Where unexpected failures while handling observations go (they must never crash the process). */
  onError?: (err: unknown, context: string) => void;
}

export class ExecutionService {
  private readonly clock: () => Date;
  private readonly onError: (err: unknown, context: string) => void;

  constructor(
    private readonly executions: ExecutionRepository,
    private readonly schedules: ScheduleRepository,
    private readonly templates: RunTemplateBuilder,
    private readonly runtime: Runtime,
    private readonly audit: AuditTrail,
    options: ExecutionServiceOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.onError = options.onError ?? ((err, context) => console.error(`execution service: ${context}`, err));
  }

  async list(actor: Actor, filter: ExecutionFilter): Promise<Execution[]> {
    authorize(actor, 'read');
    return this.executions.list(filter);
  }

  async get(actor: Actor, id: number): Promise<Execution> {
    authorize(actor, 'read');
    return found(await this.executions.get(id), 'Execution', id);
  }

  /** "Run now" on a schedule. Refused with a ConflictError naming the active run when one exists. */
  async runSchedule(actor: Actor, scheduleId: number): Promise<Execution> {
    authorize(actor, 'execution.run');
    const schedule = found(await this.schedules.get(scheduleId), 'Schedule', scheduleId);
    try {
      return await this.start(schedule, { trigger: 'manual', triggeredBy: actor.email, scheduledFor: null }, actor);
    } catch (err) {
      if (err instanceof ConflictError) {
        await this.audit.record(actor, { action: 'execution.run', targetType: 'schedule', targetId: scheduleId, outcome: 'refused', details: { reason: err.message } });
      }
      throw err;
    }
  }

  async stop(actor: Actor, id: number): Promise<Execution> {
    authorize(actor, 'execution.stop');
    const execution = found(await this.executions.get(id), 'Execution', id);
    if (!isActive(execution.status)) {
      throw new ConflictError(`Execution ${id} is not running (status ${execution.status})`);
    }
    await this.audit.record(actor, { action: 'execution.stop', targetType: 'execution', targetId: id, details: { scheduleId: execution.scheduleId, runtimeName: execution.runtimeName } });
    if (!execution.runtimeName || !execution.runtimeUid) {
      // Not handed to the runtime yet: nothing to terminate, the row alone records the stop.
      await this.executions.transition(id, ACTIVE_STATUSES, { status: 'stopped', finishedAt: this.clock(), error: `Stopped by ${actor.email} before it started` });
    } else {
      const outcome = await this.runtime.stop({ name: execution.runtimeName, uid: execution.runtimeUid });
      if (!outcome.terminated) {
        throw new UnavailableError(`Stop of execution ${id} was requested but the run is still alive: ${outcome.detail ?? 'no detail'}`);
      }
    }
    return found(await this.executions.get(id), 'Execution', id);
  }

  async readLogs(actor: Actor, id: number, sinceLine = 0): Promise<string[]> {
    authorize(actor, 'read');
    const execution = found(await this.executions.get(id), 'Execution', id);
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
      await this.start(schedule, { trigger: 'scheduled', triggeredBy: SCHEDULER.email, scheduledFor }, SCHEDULER);
    } catch (err) {
      if (err instanceof DuplicateSlotError) return; // this firing was already handled
      if (!(err instanceof ConflictError)) throw err;
      await this.recordSlot(scheduleId, scheduledFor, 'skipped', err.message);
    }
  }

  private async start(schedule: Schedule, run: { trigger: Execution['trigger']; triggeredBy: string; scheduledFor: Date | null }, actor: Actor): Promise<Execution> {
    const parts = await this.templates.parts(schedule);
    const template = this.templates.template(parts, { scheduleId: schedule.id, scheduleName: schedule.name, maxRuntimeSeconds: schedule.maxRuntimeSeconds });
    const execution = await this.insertPending(schedule, run);
    let handle: RunHandle;
    try {
      handle = await this.runtime.runNow({
        executionId: String(execution.id),
        scheduleId: String(schedule.id),
        trigger: run.trigger,
        triggeredBy: run.triggeredBy,
        ...(run.scheduledFor ? { scheduledFor: run.scheduledFor } : {}),
        template,
      });
    } catch (err) {
      const message = `The runtime could not start the run: ${(err as Error).message}`;
      await this.executions.transition(execution.id, ACTIVE_STATUSES, { status: 'failed', finishedAt: this.clock(), error: message });
      await this.audit.record(actor, { action: 'execution.run', targetType: 'execution', targetId: execution.id, outcome: 'failure', details: { scheduleId: schedule.id, error: message } });
      throw new UnavailableError(message);
    }
    // The runtime may already have reported the run running or even finished: only fill gaps.
    await this.executions.transition(execution.id, ['pending'], { status: 'running', runtimeName: handle.name, runtimeUid: handle.uid, startedAt: this.clock() });
    await this.executions.transition(execution.id, ACTIVE_STATUSES, { runtimeName: handle.name, runtimeUid: handle.uid });
    await this.audit.record(actor, { action: 'execution.run', targetType: 'execution', targetId: execution.id, details: { scheduleId: schedule.id, trigger: run.trigger, runtimeName: handle.name } });
    return (await this.executions.get(execution.id))!;
  }

  private async insertPending(schedule: Schedule, run: { trigger: Execution['trigger']; triggeredBy: string; scheduledFor: Date | null }): Promise<Execution> {
    try {
      return await this.executions.insert(this.newRow(schedule, { ...run, status: 'pending' }));
    } catch (err) {
      if (!(err instanceof ActiveRunExistsError)) throw err;
      const active = await this.executions.findActiveForSchedule(schedule.id);
      const since = active ? ` (execution ${active.id} ${active.startedAt ? `started at ${active.startedAt.toISOString()}` : `queued at ${active.createdAt.toISOString()}`})` : '';
      throw new ConflictError(`Schedule "${schedule.name}" is already running${since}; wait for it to finish or stop it first`, {
        scheduleId: schedule.id,
        ...(active ? { executionId: active.id } : {}),
      });
    }
  }

  private newRow(schedule: Schedule, run: { trigger: Execution['trigger']; triggeredBy: string; scheduledFor: Date | null; status: ExecutionStatus }): NewExecution {
    return {
      scheduleId: schedule.id,
      sourceId: schedule.sourceId,
      scriptId: schedule.scriptId,
      destinationId: schedule.destinationId,
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
      params: { schedule: schedule.name, cron: schedule.cron, timeZone: schedule.timeZone, maxRuntimeSeconds: schedule.maxRuntimeSeconds },
    };
  }

  /** A firing that did not run (`skipped` behind an active run, `missed` while down): one row per slot. */
  private async recordSlot(scheduleId: number, scheduledFor: Date, status: 'skipped' | 'missed', reason: string): Promise<void> {
    const schedule = await this.schedules.get(scheduleId);
    if (!schedule) return;
    try {
      const row = await this.executions.insert({
        ...this.newRow(schedule, { trigger: 'scheduled', triggeredBy: SCHEDULER.email, scheduledFor, status }),
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
    const base = this.newRow(schedule, { trigger: 'scheduled', triggeredBy: SCHEDULER.email, scheduledFor: observation.scheduledFor ?? null, status: 'running' });
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
    const updated = await this.executions.transition(execution.id, ACTIVE_STATUSES, {
      status: observation.status,
      finishedAt: observation.finishedAt,
      startedAt: execution.startedAt ?? (summary ? new Date(summary.startedAt) : observation.finishedAt),
      runtimeName: observation.handle.name,
      runtimeUid: observation.handle.uid,
      rowsRead: summary?.rowsRead ?? null,
      rowsWritten: summary?.rowsWritten ?? null,
      error: errorText(observation.status, summary, observation.reason),
    });
    if (updated) {
      await this.audit.record(SCHEDULER, {
        action: 'execution.finish',
        targetType: 'execution',
        targetId: execution.id,
        outcome: observation.status === 'succeeded' ? 'success' : 'failure',
        details: { status: observation.status, rowsWritten: summary?.rowsWritten ?? null, reason: observation.reason ?? null },
      });
    }
  }
}

/** The text shown as the execution's error: the extractor's own message first, then the runtime's reason. */
function errorText(status: ExecutionStatus, summary: RunSummary | undefined, reason: string | undefined): string | null {
  if (summary?.error) return [`${summary.error.kind}: ${summary.error.message}`, summary.error.hint].filter(Boolean).join(' — ');
  if (status === 'succeeded') return null;
  return reason ?? (status === 'stopped' ? 'Stopped' : 'The run ended without a summary');
}
