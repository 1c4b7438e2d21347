/**
 * What the domain needs from the outside world. Adapters implement these (Sequelize repositories,
 * the local file secret store, a Kubernetes Secret writer); tests can substitute them.
 */
import type { AuditEvent, Destination, Execution, ExecutionKind, ExecutionStatus, Schedule, Script, Source, User } from './model.js';
import type { Role } from './auth/actor.js';
import type { ResourceType, Visibility } from './permissions/visibility.js';

/** Plain CRUD over one catalog or schedule table. `Input` is the entity without its id. */
export interface CrudRepository<T extends { id: number }, Input = Omit<T, 'id'>> {
  /** Without a visibility: every row (the system's own view). */
  list(visibility?: Visibility): Promise<T[]>;
  get(id: number): Promise<T | null>;
  findByName(name: string): Promise<T | null>;
  create(input: Input): Promise<T>;
  update(id: number, patch: Partial<Input>): Promise<T | null>;
  /** False when the row did not exist. Throws {@link InUseError} when other rows still refer to it. */
  delete(id: number): Promise<boolean>;
}

/** Thrown by repositories when a foreign key keeps a row alive. */
export class InUseError extends Error {
  override name = 'InUseError';
}

export type SourceRepository = CrudRepository<Source>;
export type ScriptRepository = CrudRepository<Script>;
export type DestinationRepository = CrudRepository<Destination>;
export type ScheduleRepository = CrudRepository<Schedule, Omit<Schedule, 'id' | 'createdAt' | 'updatedAt'>>;

export type NewExecution = Omit<Execution, 'id' | 'createdAt'>;

/** Thrown by {@link ExecutionRepository.insert} when the schedule already has an active execution. */
export class ActiveRunExistsError extends Error {
  override name = 'ActiveRunExistsError';
  constructor(readonly scheduleId: number) {
    super(`schedule ${scheduleId} already has an active execution`);
  }
}

/** Thrown when a scheduled slot was already recorded (the same firing observed twice). */
export class DuplicateSlotError extends Error {
  override name = 'DuplicateSlotError';
}

export interface ExecutionFilter {
  status?: ExecutionStatus;
  scheduleId?: number;
  /** How the run came about (scheduled / manual / ad hoc, see executionKind). */
  kind?: ExecutionKind;
  /** Created (queued) at or after `from` and before `to`. */
  from?: Date;
  to?: Date;
  /** Keyset pagination: executions with id < before (newest first). */
  before?: number;
  /** Keyset pagination backwards: the page just newer than id `after` (still returned newest first). */
  after?: number;
  limit: number;
  /** Only executions whose source, script and destination are all visible (SQL filter). */
  visibility?: Visibility;
}

export interface ExecutionRepository {
  /**
   * Inserts atomically. The database refuses a second pending/running execution of one schedule
   * (partial unique index), across processes: throws {@link ActiveRunExistsError}.
   */
  insert(execution: NewExecution): Promise<Execution>;
  get(id: number): Promise<Execution | null>;
  findByRuntimeName(name: string): Promise<Execution | null>;
  findActiveForSchedule(scheduleId: number): Promise<Execution | null>;
  listActive(): Promise<Execution[]>;
  list(filter: ExecutionFilter): Promise<Execution[]>;
  /** Applies the patch only while the status is one of `from`; returns the updated row or null. */
  transition(id: number, from: readonly ExecutionStatus[], patch: Partial<NewExecution>): Promise<Execution | null>;
}

export interface UserRepository {
  findByEmail(email: string): Promise<User | null>;
  get(id: number): Promise<User | null>;
  list(): Promise<User[]>;
  create(input: Omit<User, 'id'>): Promise<User>;
  update(id: number, patch: Partial<Omit<User, 'id' | 'email'>>): Promise<User | null>;
}

export interface AuditFilter {
  limit: number;
  /** Keyset pagination: events with id < before (newest first). */
  before?: number;
  /** Exact actor email. */
  actor?: string;
  /** Exact action ("schedule.update") or a prefix ending in "." ("schedule."). */
  action?: string;
  targetType?: string;
  targetId?: string;
  outcome?: AuditEvent['outcome'];
  /** Inclusive lower / exclusive upper bound of `at`. */
  from?: Date;
  to?: Date;
}

export interface AuditRepository {
  record(event: AuditEvent): Promise<void>;
  list(filter: AuditFilter): Promise<(AuditEvent & { id: number })[]>;
}

export interface Grant {
  userId: number;
  resourceType: ResourceType;
  resourceId: number;
  grantedBy: string;
  createdAt: Date;
}

/** Per-user grants of catalog items (table `permissions`). */
export interface PermissionRepository {
  listForUser(userId: number): Promise<Grant[]>;
  /** False when the grant already existed. */
  add(userId: number, type: ResourceType, resourceId: number, grantedBy: string): Promise<boolean>;
  /** False when there was no such grant. */
  remove(userId: number, type: ResourceType, resourceId: number): Promise<boolean>;
  /** Drops every user's grant of one item (it was deleted); returns how many. */
  removeResource(type: ResourceType, resourceId: number): Promise<number>;
}

/**
 * Writes secrets the runs need. Write-only by design: the control plane never reads a password
 * back (Kubernetes RBAC gives it create/patch/delete on secrets only).
 */
export interface SecretWriter {
  put(name: string, key: string, value: string): Promise<void>;
  remove(name: string): Promise<void>;
}

export interface Repositories {
  users: UserRepository;
  sources: SourceRepository;
  scripts: ScriptRepository;
  destinations: DestinationRepository;
  schedules: ScheduleRepository;
  executions: ExecutionRepository;
  audit: AuditRepository;
  permissions: PermissionRepository;
}

export type { Role };
