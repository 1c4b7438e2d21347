/**
 * What a user may see (CONTRACTS "Permissions"): admins everything, everyone else the sources,
 * scripts and destinations granted to them. A schedule or execution is visible only when its
 * source, script AND destination are all granted. Repositories turn a Visibility into an SQL
 * filter for list queries; single gets check it here and answer NotFound, never Forbidden, so an
 * id the user may not see does not leak.
 *
 * Ids are numbers (the tables' integer keys), not strings as first sketched in CONTRACTS.md.
 */
import type { Actor } from '../auth/actor.js';
import { NotFoundError } from '../errors.js';

export const RESOURCE_TYPES = ['source', 'script', 'destination'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface GrantedIds {
  sourceIds: number[];
  scriptIds: number[];
  destinationIds: number[];
}

export type Visibility = 'all' | GrantedIds;

/** The catalog ids a schedule or execution is made of (null when the item was deleted since). */
export interface CatalogRefs {
  sourceId: number | null;
  scriptId: number | null;
  destinationId: number | null;
}

export const ID_FIELD: Record<ResourceType, keyof GrantedIds> = { source: 'sourceIds', script: 'scriptIds', destination: 'destinationIds' };

export function seesItem(visibility: Visibility, type: ResourceType, id: number): boolean {
  return visibility === 'all' || visibility[ID_FIELD[type]].includes(id);
}

/** All three granted. An execution whose catalog item was deleted is visible to admins only. */
export function seesRun(visibility: Visibility, refs: CatalogRefs): boolean {
  if (visibility === 'all') return true;
  return (
    refs.sourceId !== null && visibility.sourceIds.includes(refs.sourceId) &&
    refs.scriptId !== null && visibility.scriptIds.includes(refs.scriptId) &&
    refs.destinationId !== null && visibility.destinationIds.includes(refs.destinationId)
  );
}

/** Returns the item when it exists and is visible; otherwise the same NotFound either way. */
export function visibleOr404<T>(item: T | null, visible: (item: T) => boolean, what: string, id: number): T {
  if (!item || !visible(item)) throw new NotFoundError(`${what} ${id} not found`);
  return item;
}

/** How services learn an actor's visibility (PermissionService.visibility, one query per call). */
export type VisibilityOf = (actor: Actor) => Promise<Visibility>;
