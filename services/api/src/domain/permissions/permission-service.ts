/**
 * Per-user grants of sources, scripts and destinations (admins manage them; every change and
 * every refused attempt is audited), the {@link Visibility} each actor has, and the choices the
 * forms offer.
 */
import type { Actor } from '../auth/actor.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { found } from '../catalog/catalog-service.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { PermissionRepository, Repositories, UserRepository } from '../ports.js';
import type { Input } from '../validation.js';
import { ID_FIELD, RESOURCE_TYPES, seesItem, type GrantedIds, type ResourceType, type Visibility } from './visibility.js';

/** A catalog item as a form option. */
export interface Choice {
  id: number;
  name: string;
}

/**
 * What a run / schedule form may offer the actor: the granted sources, and for each source its
 * granted scripts (scripts belong to one source) and the granted destinations (destinations are
 * not tied to a source, so every source lists all of them).
 *
 * Stable API for the pages (5b): `services.permissions.choices(actor)` →
 * `{ sources: [{ id, name, scripts: [{ id, name }], destinations: [{ id, name }] }] }`,
 * sources/scripts/destinations sorted by name; admins get the whole catalog.
 */
export interface FormChoices {
  sources: (Choice & { scripts: Choice[]; destinations: Choice[] })[];
}

export interface UserGrants extends GrantedIds {
  userId: number;
}

export class PermissionService {
  constructor(
    private readonly grants: PermissionRepository,
    private readonly users: UserRepository,
    private readonly catalog: Pick<Repositories, 'sources' | 'scripts' | 'destinations'>,
    private readonly audit: AuditTrail,
  ) {}

  /** Admins (and the scheduler) see everything; others what is granted to them. */
  async visibility(actor: Actor): Promise<Visibility> {
    if (actor.role === 'admin') return 'all';
    if (actor.userId === null) return { sourceIds: [], scriptIds: [], destinationIds: [] };
    return idsOf(await this.grants.listForUser(actor.userId));
  }

  async choices(actor: Actor): Promise<FormChoices> {
    const visibility = await this.visibility(actor);
    const [sources, scripts, destinations] = await Promise.all([
      this.catalog.sources.list(visibility),
      this.catalog.scripts.list(visibility),
      this.catalog.destinations.list(visibility),
    ]);
    const choice = (item: Choice): Choice => ({ id: item.id, name: item.name });
    return {
      sources: sources.map((source) => ({
        ...choice(source),
        scripts: scripts.filter((s) => s.sourceId === source.id).map(choice),
        destinations: destinations.map(choice),
      })),
    };
  }

  /** A user's grants: admins for anyone, everyone for themselves. */
  async grantsOf(actor: Actor, userId: number): Promise<UserGrants> {
    if (actor.userId !== userId) await this.audit.authorize(actor, 'users.manage', { action: 'permission.read', targetType: 'user', targetId: userId });
    found(await this.users.get(userId), 'User', userId);
    return { userId, ...idsOf(await this.grants.listForUser(userId)) };
  }

  async grant(actor: Actor, userId: number, input: Input): Promise<UserGrants> {
    const { type, resourceId } = readGrant(input);
    await this.audit.authorize(actor, 'users.manage', { action: 'permission.grant', targetType: 'user', targetId: userId, details: { resourceType: type, resourceId } });
    await this.assertTargets(userId, [[type, resourceId]]);
    const added = await this.grants.add(userId, type, resourceId, actor.email);
    if (added) await this.audit.record(actor, { action: 'permission.grant', targetType: 'user', targetId: userId, details: { resourceType: type, resourceId } });
    return this.grantsOf(actor, userId);
  }

  async revoke(actor: Actor, userId: number, type: string, resourceId: number): Promise<UserGrants> {
    const resourceType = readType(type);
    await this.audit.authorize(actor, 'users.manage', { action: 'permission.revoke', targetType: 'user', targetId: userId, details: { resourceType, resourceId } });
    found(await this.users.get(userId), 'User', userId);
    if (!(await this.grants.remove(userId, resourceType, resourceId))) {
      throw new NotFoundError(`User ${userId} has no grant of ${resourceType} ${resourceId}`);
    }
    await this.audit.record(actor, { action: 'permission.revoke', targetType: 'user', targetId: userId, details: { resourceType, resourceId } });
    return this.grantsOf(actor, userId);
  }

  /**
   * Replaces a user's grants with exactly these ids (the permissions editor's checkboxes).
   * One audit event lists what was added and removed.
   */
  async setGrants(actor: Actor, userId: number, input: Input): Promise<UserGrants> {
    await this.audit.authorize(actor, 'users.manage', { action: 'permission.update', targetType: 'user', targetId: userId });
    const wanted = readIds(input);
    const targets = RESOURCE_TYPES.flatMap((type) => wanted[ID_FIELD[type]].map((id) => [type, id] as [ResourceType, number]));
    await this.assertTargets(userId, targets);
    const current = idsOf(await this.grants.listForUser(userId));
    const added: Record<string, number[]> = {};
    const removed: Record<string, number[]> = {};
    for (const type of RESOURCE_TYPES) {
      const field = ID_FIELD[type];
      const toAdd = wanted[field].filter((id) => !current[field].includes(id));
      const toRemove = current[field].filter((id) => !wanted[field].includes(id));
      for (const id of toAdd) await this.grants.add(userId, type, id, actor.email);
      for (const id of toRemove) await this.grants.remove(userId, type, id);
      if (toAdd.length) added[field] = toAdd;
      if (toRemove.length) removed[field] = toRemove;
    }
    await this.audit.record(actor, { action: 'permission.update', targetType: 'user', targetId: userId, details: { added, removed } });
    return this.grantsOf(actor, userId);
  }

  /** The user exists and every catalog item does (an unknown id is the caller's mistake). */
  private async assertTargets(userId: number, targets: [ResourceType, number][]): Promise<void> {
    found(await this.users.get(userId), 'User', userId);
    const repos = { source: this.catalog.sources, script: this.catalog.scripts, destination: this.catalog.destinations };
    for (const [type, id] of targets) {
      if (!(await repos[type].get(id))) throw new ValidationError(`${type[0]!.toUpperCase()}${type.slice(1)} ${id} does not exist`, 'resourceId');
    }
  }
}

/**
 * Refuses catalog ids the actor may not use, with the same message as an id that does not exist
 * (so a form post cannot probe for ids). Used by schedule saves and ad-hoc runs.
 */
export function assertUsable(visibility: Visibility, ids: { sourceId: number; scriptId: number; destinationId: number }): void {
  const check = (type: ResourceType, id: number, field: string, label: string) => {
    if (!seesItem(visibility, type, id)) throw new ValidationError(`${label} ${id} does not exist`, field);
  };
  check('source', ids.sourceId, 'sourceId', 'Source');
  check('script', ids.scriptId, 'scriptId', 'Script');
  check('destination', ids.destinationId, 'destinationId', 'Destination');
}

function idsOf(grants: { resourceType: ResourceType; resourceId: number }[]): GrantedIds {
  const ids: GrantedIds = { sourceIds: [], scriptIds: [], destinationIds: [] };
  for (const g of grants) ids[ID_FIELD[g.resourceType]].push(g.resourceId);
  for (const list of [ids.sourceIds, ids.scriptIds, ids.destinationIds]) list.sort((a, b) => a - b);
  return ids;
}

function readType(value: unknown): ResourceType {
  if (typeof value === 'string' && (RESOURCE_TYPES as readonly string[]).includes(value)) return value as ResourceType;
  throw new ValidationError(`resourceType must be one of ${RESOURCE_TYPES.join(', ')}`, 'resourceType');
}

function readGrant(input: Input): { type: ResourceType; resourceId: number } {
  const resourceId = Number(input.resourceId);
  if (!Number.isInteger(resourceId) || resourceId < 1 || resourceId > 2147483647) throw new ValidationError('resourceId must be a positive integer', 'resourceId');
  return { type: readType(input.resourceType), resourceId };
}

/** Lists of ids from JSON arrays or form fields (one value or several; absent = none). */
function readIds(input: Input): GrantedIds {
  const read = (field: keyof GrantedIds): number[] => {
    const raw = input[field];
    const values = raw === undefined || raw === null || raw === '' ? [] : Array.isArray(raw) ? raw : [raw];
    const ids = values.map((v) => Number(v));
    if (ids.some((id) => !Number.isInteger(id) || id < 1 || id > 2147483647)) throw new ValidationError(`${field} must be a list of positive integers`, field);
    return [...new Set(ids)].sort((a, b) => a - b);
  };
  return { sourceIds: read('sourceIds'), scriptIds: read('scriptIds'), destinationIds: read('destinationIds') };
}
