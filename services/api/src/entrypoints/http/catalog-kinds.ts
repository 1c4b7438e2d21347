/**
 * The three catalog collections as the HTTP layer offers them (JSON API and pages alike): one
 * table instead of three copies of the same routes.
 */
import type { Actor } from '../../domain/auth/actor.js';
import type { Services } from '../../domain/services.js';
import type { Input } from '../../domain/validation.js';

export interface CatalogKind {
  /** URL segment: /api/v1/<path>, /<path>/new … */
  path: 'sources' | 'scripts' | 'destinations';
  title: string;
  /** Pug view of its form. */
  view: string;
  list(s: Services, a: Actor): Promise<{ id: number; name: string }[]>;
  get(s: Services, a: Actor, id: number): Promise<{ id: number; name: string }>;
  create(s: Services, a: Actor, input: Input): Promise<{ id: number; name: string }>;
  update(s: Services, a: Actor, id: number, input: Input): Promise<{ id: number; name: string }>;
  remove(s: Services, a: Actor, id: number): Promise<void>;
}

export const CATALOG_KINDS: readonly CatalogKind[] = [
  {
    path: 'sources', title: 'Source', view: 'source-form',
    list: (s, a) => s.catalog.listSources(a), get: (s, a, id) => s.catalog.getSource(a, id),
    create: (s, a, i) => s.catalog.createSource(a, i), update: (s, a, id, i) => s.catalog.updateSource(a, id, i), remove: (s, a, id) => s.catalog.deleteSource(a, id),
  },
  {
    path: 'scripts', title: 'Script', view: 'script-form',
    list: (s, a) => s.catalog.listScripts(a), get: (s, a, id) => s.catalog.getScript(a, id),
    create: (s, a, i) => s.catalog.createScript(a, i), update: (s, a, id, i) => s.catalog.updateScript(a, id, i), remove: (s, a, id) => s.catalog.deleteScript(a, id),
  },
  {
    path: 'destinations', title: 'Destination', view: 'destination-form',
    list: (s, a) => s.catalog.listDestinations(a), get: (s, a, id) => s.catalog.getDestination(a, id),
    create: (s, a, i) => s.catalog.createDestination(a, i), update: (s, a, id, i) => s.catalog.updateDestination(a, id, i), remove: (s, a, id) => s.catalog.deleteDestination(a, id),
  },
];
