/**
 * Sequelize implementations of the domain's repository ports. Database errors that carry a
 * domain meaning (foreign key → in use, overlap index → active run) are translated here so the
 * domain never sees a Sequelize type.
 */
import { ForeignKeyConstraintError, literal, Op, UniqueConstraintError, where as sequelizeWhere, type Model, type ModelStatic, type Sequelize, type WhereOptions } from 'sequelize';
import { ACTIVE_STATUSES, type AuditEvent, type Execution, type ExecutionStatus, type User } from '../../domain/model.js';
import {
  ActiveRunExistsError,
  DuplicateSlotError,
  InUseError,
  type AuditRepository,
  type CrudRepository,
  type ExecutionFilter,
  type ExecutionRepository,
  type NewExecution,
  type Repositories,
  type UserRepository,
  type AuditFilter,
  type Grant,
  type PermissionRepository,
} from '../../domain/ports.js';
import type { GrantedIds, ResourceType, Visibility } from '../../domain/permissions/visibility.js';
import { defineModels } from './models.js';
import { EXECUTION_KIND_SQL } from './migrations/0003-dashboard-indexes.js';

const TIMESTAMPS = ['createdAt', 'updatedAt'] as const;

/** Row → entity: the plain attributes, minus bookkeeping columns the entity does not declare. */
function plain<T>(row: Model | null, keep: readonly string[] = []): T | null {
  if (!row) return null;
  const values = row.get({ plain: true }) as Record<string, unknown>;
  for (const key of TIMESTAMPS) if (!keep.includes(key)) delete values[key];
  return values as T;
}

function inUse(err: unknown): never {
  if (err instanceof ForeignKeyConstraintError) {
    const table = /on table "(\w+)"/.exec(err.message)?.[1] ?? (err as { table?: string }).table ?? 'other items';
    throw new InUseError(`${table} still refer to it`);
  }
  throw err;
}

/**
 * Visibility → WHERE (CONTRACTS "Permissions"): `'all'` adds nothing; grants become `IN` lists,
 * so a list query stays one indexed SQL statement at any size. An empty grant list matches nothing.
 */
type VisibleWhere = (granted: GrantedIds) => WhereOptions;
const byOwnId = (field: keyof GrantedIds): VisibleWhere => (granted) => ({ id: { [Op.in]: granted[field] } });
/** Schedules and executions: all three catalog references granted. */
export const visibleRuns: VisibleWhere = (granted) => ({
  sourceId: { [Op.in]: granted.sourceIds },
  scriptId: { [Op.in]: granted.scriptIds },
  destinationId: { [Op.in]: granted.destinationIds },
});
export function visibilityWhere(visibility: Visibility | undefined, where: VisibleWhere): WhereOptions {
  return visibility === undefined || visibility === 'all' ? {} : where(visibility);
}

class SequelizeCrudRepository<T extends { id: number }, Input> implements CrudRepository<T, Input> {
  constructor(
    private readonly model: ModelStatic<Model>,
    private readonly visibleWhere: VisibleWhere,
    private readonly keepTimestamps: readonly string[] = [],
  ) {}

  async list(visibility?: Visibility): Promise<T[]> {
    const rows = await this.model.findAll({ where: visibilityWhere(visibility, this.visibleWhere), order: [['name', 'ASC']] });
    return rows.map((r) => plain<T>(r, this.keepTimestamps)!);
  }
  async get(id: number): Promise<T | null> {
    return plain<T>(await this.model.findByPk(id), this.keepTimestamps);
  }
  async findByName(name: string): Promise<T | null> {
    return plain<T>(await this.model.findOne({ where: { name } }), this.keepTimestamps);
  }
  async create(input: Input): Promise<T> {
    return plain<T>(await this.model.create(input as Record<string, unknown>), this.keepTimestamps)!;
  }
  async update(id: number, patch: Partial<Input>): Promise<T | null> {
    const row = await this.model.findByPk(id);
    if (!row) return null;
    await row.update(patch as Record<string, unknown>);
    return plain<T>(row, this.keepTimestamps);
  }
  async delete(id: number): Promise<boolean> {
    try {
      return (await this.model.destroy({ where: { id } })) > 0;
    } catch (err) {
      return inUse(err);
    }
  }
}

/** How many rows next to each end of a date range decide its id bounds (ExecutionRepository.list). */
const CREATION_WINDOW = 100;

class SequelizeExecutionRepository implements ExecutionRepository {
  constructor(private readonly model: ModelStatic<Model>) {}

  private get sql(): Sequelize {
    return this.model.sequelize!;
  }

  private toEntity(row: Model | null): Execution | null {
    return plain<Execution>(row, ['createdAt']);
  }

  async insert(execution: NewExecution): Promise<Execution> {
    try {
      return this.toEntity(await this.model.create({ ...execution }))!;
    } catch (err) {
      if (err instanceof UniqueConstraintError) {
        const index = (err.parent as { constraint?: string } | undefined)?.constraint ?? '';
        if (index === 'executions_active_schedule') throw new ActiveRunExistsError(execution.scheduleId ?? 0);
        if (index === 'executions_schedule_slot') throw new DuplicateSlotError(`slot ${execution.scheduledFor?.toISOString()} of schedule ${execution.scheduleId} is already recorded`);
      }
      throw err;
    }
  }
  async get(id: number): Promise<Execution | null> {
    return this.toEntity(await this.model.findByPk(id));
  }
  async findByRuntimeName(name: string): Promise<Execution | null> {
    return this.toEntity(await this.model.findOne({ where: { runtimeName: name } }));
  }
  async findActiveForSchedule(scheduleId: number): Promise<Execution | null> {
    return this.toEntity(await this.model.findOne({ where: { scheduleId, status: { [Op.in]: [...ACTIVE_STATUSES] } } }));
  }
  async listActive(): Promise<Execution[]> {
    const rows = await this.model.findAll({ where: { status: { [Op.in]: [...ACTIVE_STATUSES] } }, order: [['id', 'ASC']] });
    return rows.map((r) => this.toEntity(r)!);
  }
  /**
   * Newest first, keyset-paginated on id: every filter is an equality or range the migrations
   * index together with `id DESC` (the date range as an id range), so a page deep in the history
   * costs what the first one does. Measured by bench/dashboard at 1,000,000 executions.
   */
  async list(filter: ExecutionFilter): Promise<Execution[]> {
    const where: WhereOptions[] = [];
    if (filter.status) where.push({ status: filter.status });
    if (filter.scheduleId) where.push({ scheduleId: filter.scheduleId });
    if (filter.kind) where.push(sequelizeWhere(literal(EXECUTION_KIND_SQL), filter.kind));
    // The date range also becomes an id range (see migration 0003): ids follow creation order,
    // so the page is an id range scan instead of a walk from the newest row. The bounds come from
    // the CREATION_WINDOW rows created nearest each end, so a row whose id was drawn slightly out
    // of creation order (two replicas inserting at once) still falls inside; created_at decides.
    if (filter.from) {
      const from = this.sql.escape(filter.from);
      where.push({ createdAt: { [Op.gte]: filter.from } });
      where.push({ id: { [Op.gte]: literal(`(SELECT min(id) FROM (SELECT id FROM executions WHERE created_at >= ${from} ORDER BY created_at LIMIT ${CREATION_WINDOW}) first_created)`) } });
    }
    if (filter.to) {
      const to = this.sql.escape(filter.to);
      where.push({ createdAt: { [Op.lt]: filter.to } });
      where.push({ id: { [Op.lte]: literal(`(SELECT max(id) FROM (SELECT id FROM executions WHERE created_at < ${to} ORDER BY created_at DESC LIMIT ${CREATION_WINDOW}) last_created)`) } });
    }
    const visibility = filter.visibility ?? 'all';
    if (visibility !== 'all') {
      where.push({ sourceId: { [Op.in]: visibility.sourceIds }, scriptId: { [Op.in]: visibility.scriptIds }, destinationId: { [Op.in]: visibility.destinationIds } });
    }
    // `after` pages towards newer rows: read them oldest first from the cursor, then flip.
    if (filter.after) where.push({ id: { [Op.gt]: filter.after } });
    else if (filter.before) where.push({ id: { [Op.lt]: filter.before } });
    const rows = await this.model.findAll({ where: { [Op.and]: where }, order: [['id', filter.after ? 'ASC' : 'DESC']], limit: filter.limit });
    const page = rows.map((r) => this.toEntity(r)!);
    return filter.after ? page.reverse() : page;
  }
  async transition(id: number, from: readonly ExecutionStatus[], patch: Partial<NewExecution>): Promise<Execution | null> {
    const [count, rows] = await this.model.update({ ...patch }, { where: { id, status: { [Op.in]: [...from] } }, returning: true });
    return count > 0 ? this.toEntity(rows[0]!) : null;
  }
}

class SequelizeUserRepository implements UserRepository {
  constructor(private readonly model: ModelStatic<Model>) {}
  async findByEmail(email: string): Promise<User | null> {
    return plain<User>(await this.model.findOne({ where: { email } }));
  }
  async get(id: number): Promise<User | null> {
    return plain<User>(await this.model.findByPk(id));
  }
  async list(): Promise<User[]> {
    return (await this.model.findAll({ order: [['email', 'ASC']] })).map((r) => plain<User>(r)!);
  }
  async create(input: Omit<User, 'id'>): Promise<User> {
    return plain<User>(await this.model.create({ ...input }))!;
  }
  async update(id: number, patch: Partial<Omit<User, 'id' | 'email'>>): Promise<User | null> {
    const row = await this.model.findByPk(id);
    if (!row) return null;
    await row.update({ ...patch });
    return plain<User>(row);
  }
}

class SequelizeAuditRepository implements AuditRepository {
  constructor(private readonly model: ModelStatic<Model>) {}
  async record(event: AuditEvent): Promise<void> {
    await this.model.create({ ...event });
  }
  async list(filter: AuditFilter): Promise<(AuditEvent & { id: number })[]> {
    const where: Record<string | symbol, unknown> = {};
    if (filter.before) where.id = { [Op.lt]: filter.before };
    if (filter.actor) where.actor = filter.actor;
    if (filter.action) where.action = filter.action.endsWith('.') ? { [Op.startsWith]: filter.action } : filter.action;
    if (filter.targetType) where.targetType = filter.targetType;
    if (filter.targetId) where.targetId = filter.targetId;
    if (filter.outcome) where.outcome = filter.outcome;
    if (filter.from || filter.to) where.at = { ...(filter.from ? { [Op.gte]: filter.from } : {}), ...(filter.to ? { [Op.lt]: filter.to } : {}) };
    const rows = await this.model.findAll({ where, order: [['id', 'DESC']], limit: filter.limit });
    return rows.map((r) => plain<AuditEvent & { id: number }>(r)!);
  }
}

class SequelizePermissionRepository implements PermissionRepository {
  constructor(private readonly model: ModelStatic<Model>) {}
  async listForUser(userId: number): Promise<Grant[]> {
    const rows = await this.model.findAll({ where: { userId }, order: [['resourceType', 'ASC'], ['resourceId', 'ASC']] });
    return rows.map((r) => {
      const { id: _id, ...grant } = r.get({ plain: true }) as Grant & { id: number };
      return grant;
    });
  }
  async add(userId: number, resourceType: ResourceType, resourceId: number, grantedBy: string): Promise<boolean> {
    // Granting twice (two admins at once) is not an error: the unique key keeps one row.
    try {
      const [, created] = await this.model.findOrCreate({ where: { userId, resourceType, resourceId }, defaults: { grantedBy } });
      return created;
    } catch (err) {
      if (err instanceof UniqueConstraintError) return false;
      throw err;
    }
  }
  async remove(userId: number, resourceType: ResourceType, resourceId: number): Promise<boolean> {
    return (await this.model.destroy({ where: { userId, resourceType, resourceId } })) > 0;
  }
  async removeResource(resourceType: ResourceType, resourceId: number): Promise<number> {
    return this.model.destroy({ where: { resourceType, resourceId } });
  }
}

export function createRepositories(sequelize: Sequelize): Repositories {
  const m = defineModels(sequelize);
  return {
    users: new SequelizeUserRepository(m.User),
    sources: new SequelizeCrudRepository(m.Source, byOwnId('sourceIds')),
    scripts: new SequelizeCrudRepository(m.Script, byOwnId('scriptIds')),
    destinations: new SequelizeCrudRepository(m.Destination, byOwnId('destinationIds')),
    schedules: new SequelizeCrudRepository(m.Schedule, visibleRuns, TIMESTAMPS),
    permissions: new SequelizePermissionRepository(m.Permission),
    executions: new SequelizeExecutionRepository(m.Execution),
    audit: new SequelizeAuditRepository(m.AuditEvent),
  };
}
