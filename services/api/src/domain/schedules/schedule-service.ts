/**
 * Schedules: a source + script + destination on a cron in an IANA time zone. Every change is
 * validated (cron exactly as Kubernetes reads it), stored, pushed to the runtime and audited.
 */
import { authorize, type Actor } from '../auth/actor.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { CronError, parseCron, previewRuns, type CronPreview } from '../cron/index.js';
import { ConflictError, UnavailableError, ValidationError } from '../errors.js';
import { DEFAULT_MAX_RUNTIME_SECONDS, type RunTemplateBuilder } from '../executions/run-template.js';
import type { Schedule } from '../model.js';
import { InUseError, type ExecutionRepository, type ScheduleRepository } from '../ports.js';
import type { Runtime, ScheduleDeployment } from '../runtime/runtime.js';
import { bool, integer, text, timeZone, type Input } from '../validation.js';
import { assertUsable } from '../permissions/permission-service.js';
import { seesRun, visibleOr404, type Visibility, type VisibilityOf } from '../permissions/visibility.js';

type ScheduleFields = Omit<Schedule, 'id' | 'createdAt' | 'updatedAt' | 'createdBy'>;

export class ScheduleService {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly executions: Pick<ExecutionRepository, 'findActiveForSchedule'>,
    private readonly templates: RunTemplateBuilder,
    private readonly runtime: Runtime,
    private readonly audit: AuditTrail,
    private readonly visibilityOf: VisibilityOf,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Schedules whose source, script and destination are all granted (admins: all). */
  async list(actor: Actor): Promise<Schedule[]> {
    authorize(actor, 'read');
    return this.schedules.list(await this.visibilityOf(actor));
  }

  /** A schedule the actor may not see is "not found", exactly like one that does not exist. */
  async get(actor: Actor, id: number): Promise<Schedule> {
    authorize(actor, 'read');
    const visibility = await this.visibilityOf(actor);
    return visibleOr404(await this.schedules.get(id), (s) => seesRun(visibility, s), 'Schedule', id);
  }

  /** Changes by id: visible first (404), then the role (403, audited). */
  private async writable(actor: Actor, id: number, action: string): Promise<{ schedule: Schedule; visibility: Visibility }> {
    const visibility = await this.visibilityOf(actor);
    const schedule = visibleOr404(await this.schedules.get(id), (s) => seesRun(visibility, s), 'Schedule', id);
    await this.audit.authorize(actor, 'schedule.write', { action, targetType: 'schedule', targetId: id });
    return { schedule, visibility };
  }

  /** Next runs in the schedule's zone, for forms and the schedules list. */
  preview(expression: string, zone: string, count = 10): CronPreview {
    return previewRuns(expression, zone, this.clock(), count);
  }

  /** Next firing time, or null for an inactive schedule. */
  nextRun(schedule: Schedule): Date | null {
    if (!schedule.active) return null;
    try {
      return parseCron(schedule.cron, schedule.timeZone).next(this.clock());
    } catch {
      return null;
    }
  }

  async create(actor: Actor, input: Input): Promise<Schedule> {
    await this.audit.authorize(actor, 'schedule.write', { action: 'schedule.create', targetType: 'schedule' });
    const fields = await this.read(input, await this.visibilityOf(actor));
    await this.assertNameFree(fields.name);
    const schedule = await this.schedules.create({ ...fields, createdBy: actor.email });
    await this.deploy(actor, schedule, 'schedule.create');
    return schedule;
  }

  async update(actor: Actor, id: number, input: Input): Promise<Schedule> {
    const { schedule: existing, visibility } = await this.writable(actor, id, 'schedule.update');
    const fields = await this.read({ active: existing.active, ...input }, visibility);
    await this.assertNameFree(fields.name, id);
    const schedule = (await this.schedules.update(id, fields))!;
    await this.deploy(actor, schedule, 'schedule.update', { before: summarize(existing) });
    return schedule;
  }

  async setActive(actor: Actor, id: number, active: boolean): Promise<Schedule> {
    await this.writable(actor, id, active ? 'schedule.activate' : 'schedule.deactivate');
    const schedule = (await this.schedules.update(id, { active }))!;
    await this.deploy(actor, schedule, active ? 'schedule.activate' : 'schedule.deactivate');
    return schedule;
  }

  async delete(actor: Actor, id: number): Promise<void> {
    const { schedule } = await this.writable(actor, id, 'schedule.delete');
    const active = await this.executions.findActiveForSchedule(id);
    if (active) throw new ConflictError(`Schedule "${schedule.name}" has a run in progress (execution ${active.id}); stop it before deleting the schedule`);
    try {
      await this.schedules.delete(id);
    } catch (err) {
      if (err instanceof InUseError) throw new ConflictError(`Schedule "${schedule.name}" cannot be deleted: ${err.message}`);
      throw err;
    }
    await this.runtime.remove(String(id));
    await this.audit.record(actor, { action: 'schedule.delete', targetType: 'schedule', targetId: id, details: { name: schedule.name } });
  }

  /** Every schedule as the runtime should have it (for the start-up resync). */
  async deployments(): Promise<ScheduleDeployment[]> {
    const all = await this.schedules.list();
    return Promise.all(all.map((s) => this.templates.deployment(s)));
  }

  private async deploy(actor: Actor, schedule: Schedule, action: string, extra: Record<string, unknown> = {}): Promise<void> {
    try {
      await this.runtime.apply(await this.templates.deployment(schedule));
    } catch (err) {
      await this.audit.record(actor, { action, targetType: 'schedule', targetId: schedule.id, outcome: 'failure', details: { ...summarize(schedule), error: (err as Error).message } });
      throw new UnavailableError(`Schedule "${schedule.name}" was saved but the runtime did not accept it: ${(err as Error).message}`);
    }
    await this.audit.record(actor, { action, targetType: 'schedule', targetId: schedule.id, details: { ...summarize(schedule), ...extra } });
  }

  private async read(input: Input, visibility: Visibility): Promise<ScheduleFields> {
    const zone = timeZone(input, 'timeZone', 'Time zone', 'UTC');
    const cron = text(input, 'cron', 'Cron expression', { max: 200 });
    try {
      parseCron(cron, zone);
    } catch (err) {
      if (err instanceof CronError) throw new ValidationError(`Invalid cron expression "${cron}": ${err.message}`, 'cron');
      throw err;
    }
    const ids = {
      sourceId: integer(input, 'sourceId', 'Source', { min: 1, max: 2147483647 }),
      scriptId: integer(input, 'scriptId', 'Script', { min: 1, max: 2147483647 }),
      destinationId: integer(input, 'destinationId', 'Destination', { min: 1, max: 2147483647 }),
    };
    assertUsable(visibility, ids); // granted to the actor (else "does not exist", like a missing id)
    await this.templates.parts(ids); // the three exist and fit together
    return {
      name: text(input, 'name', 'Name', { max: 100 }),
      ...ids,
      cron,
      timeZone: zone,
      active: bool(input, 'active', true),
      maxRuntimeSeconds: integer(input, 'maxRuntimeSeconds', 'Maximum run time (seconds)', { min: 10, max: 7 * 24 * 3600, fallback: DEFAULT_MAX_RUNTIME_SECONDS }),
    };
  }

  private async assertNameFree(name: string, selfId?: number): Promise<void> {
    const other = await this.schedules.findByName(name);
    if (other && other.id !== selfId) throw new ValidationError(`A schedule named "${name}" already exists`, 'name');
  }
}

function summarize(s: Schedule): Record<string, unknown> {
  return { name: s.name, cron: s.cron, timeZone: s.timeZone, active: s.active, sourceId: s.sourceId, scriptId: s.scriptId, destinationId: s.destinationId, maxRuntimeSeconds: s.maxRuntimeSeconds };
}
